//! What to redo after a batch of file events ([`Plan`]), where the
//! project's parts are on disk ([`Layout`]) and which folders are watched
//! ([`Watches`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use notify::{RecursiveMode, Watcher};

use crate::diag::rel_path;
use crate::load;
use crate::model::Project;
use crate::model::config::CONFIG_FILE;
use crate::standard::Standard;

/// What a batch of file events asks to redo.
#[derive(Default)]
pub(super) struct Plan {
    /// Reload everything (config, standard, content folder moved...).
    pub(super) full: bool,
    /// Reload the theme.
    pub(super) theme: bool,
    /// Content files to re-read, relative to the content folder.
    pub(super) content: BTreeSet<String>,
    /// Changed paths relative to the root, for the terminal.
    pub(super) changed: BTreeSet<String>,
}

impl Plan {
    pub(super) fn full() -> Plan {
        Plan {
            full: true,
            ..Plan::default()
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        !self.full && !self.theme && self.content.is_empty()
    }
}

/// Where things are on disk (canonical paths, as the watcher reports them).
#[derive(Default, Clone, PartialEq)]
pub(super) struct Layout {
    pub(super) root: PathBuf,
    pub(super) config: PathBuf,
    /// The content folder's name under the root (first component).
    pub(super) content_entry: String,
    pub(super) content: Option<PathBuf>,
    pub(super) themes: PathBuf,
    /// The project's own theme folder, if it names one.
    pub(super) theme: Option<PathBuf>,
    /// Standard files named by path in the config.
    pub(super) standards: BTreeSet<PathBuf>,
}

impl Layout {
    pub(super) fn of(root: &Path, project: Option<&Project>) -> Layout {
        let root_abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        // The config as it is now, else the last one that loaded.
        let config = load::load_config(root)
            .ok()
            .or_else(|| project.map(|p| p.config.clone()));
        let content_dir = config
            .as_ref()
            .map_or_else(|| "content".to_string(), |c| c.content_dir.clone());
        let content = std::fs::canonicalize(root.join(&content_dir))
            .ok()
            .filter(|p| p.is_dir());
        let themes = root_abs.join("themes");
        let theme = config
            .as_ref()
            .and_then(|c| c.theme.clone())
            .filter(|t| t != "default")
            .map(|t| themes.join(t));
        let standards = config
            .iter()
            .flat_map(|c| c.standards.iter())
            .filter(|name| Standard::bundled(name).is_none())
            .filter_map(|name| {
                let path = root.join(name);
                let parent = std::fs::canonicalize(path.parent()?).ok()?;
                Some(parent.join(path.file_name()?))
            })
            .collect();
        Layout {
            config: root_abs.join(CONFIG_FILE),
            content_entry: Path::new(&content_dir)
                .components()
                .next()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .unwrap_or_default(),
            root: root_abs,
            content,
            themes,
            theme,
            standards,
        }
    }
}

/// The folders being watched.
#[derive(Default)]
pub(super) struct Watches {
    watched: BTreeMap<PathBuf, bool>,
}

impl Watches {
    pub(super) fn wanted(layout: &Layout) -> BTreeMap<PathBuf, bool> {
        let mut want = BTreeMap::new();
        want.insert(layout.root.clone(), false);
        if let Some(c) = &layout.content {
            want.insert(c.clone(), true);
        }
        if layout.themes.is_dir() {
            want.insert(layout.themes.clone(), true);
        }
        for s in &layout.standards {
            if let Some(parent) = s.parent().filter(|p| p.is_dir()) {
                want.entry(parent.to_path_buf()).or_insert(false);
            }
        }
        want
    }

    pub(super) fn update(&mut self, watcher: &mut impl Watcher, layout: &Layout) {
        let want = Watches::wanted(layout);
        let stale: Vec<PathBuf> = self
            .watched
            .iter()
            .filter(|(p, r)| want.get(*p) != Some(r))
            .map(|(p, _)| p.clone())
            .collect();
        for p in stale {
            let _ = watcher.unwatch(&p);
            self.watched.remove(&p);
        }
        for (p, recursive) in want {
            if self.watched.contains_key(&p) {
                continue;
            }
            let mode = if recursive {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            match watcher.watch(&p, mode) {
                Ok(()) => {
                    self.watched.insert(p, recursive);
                }
                Err(e) => eprintln!("anzen: {}: {e}", p.display()),
            }
        }
    }

    pub(super) fn describe(&self, layout: &Layout) -> String {
        let mut names = vec![CONFIG_FILE.to_string()];
        for (p, recursive) in &self.watched {
            if *p == layout.root {
                continue;
            }
            let rel = rel_path(&layout.root, p);
            names.push(if *recursive { format!("{rel}/") } else { rel });
        }
        for s in &layout.standards {
            names.push(rel_path(&layout.root, s));
        }
        names.join(", ")
    }
}
