//! Folders carried over from the last build. A folder of the new output
//! that holds files only (the documents, the ledgers, the search shards),
//! whose previous copy is a real folder of regular files only, is not
//! rebuilt file by file: its new and changed files are staged aside, and
//! the commit moves the previous folder into the new tree whole, renames
//! the staged files over their old copies and removes the files the build
//! no longer makes. A rebuild then costs one rename per folder and per
//! changed file, where linking each unchanged file into a fresh folder cost
//! a link each (20 µs on ext4 here: 60 ms for 3,000 documents).
//!
//! Nothing of the previous output moves before every file is written, so
//! a failure while writing still leaves it as it was. A build killed
//! during the commit's renames can leave the site without a carried folder
//! until the next build, which writes it again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{OutputError, io_error};

/// Where the staged files of carried folders wait inside the staging
/// folder: a name no output path takes (ids never start with a dot).
pub(super) const ASIDE: &str = ".anzen-carry";

/// The folders to carry, by path in the output: for each, the names of
/// the regular files its previous copy holds.
pub(super) type Folders = BTreeMap<String, BTreeSet<String>>;

/// What the commit does for a carried folder: the files staged aside
/// (new or changed) and the old files no longer made.
#[derive(Debug)]
pub struct Carried {
    rel: String,
    changed: Vec<String>,
    removed: Vec<String>,
}

/// The folders of `files` that can be carried from `dir`: folders the new
/// output fills with files only, whose previous copy is reached through
/// real folders (no link on the way) and holds regular files only.
pub(super) fn folders(dir: &Path, files: &super::Files) -> Folders {
    let mut parents: BTreeSet<&str> = BTreeSet::new();
    for rel in files.keys() {
        if let Some((parent, _)) = rel.rsplit_once('/') {
            parents.insert(parent);
        }
    }
    // A folder with a folder of the new output inside it is not flat.
    let nested: BTreeSet<&str> = parents
        .iter()
        .flat_map(|p| p.match_indices('/').map(|(i, _)| &p[..i]))
        .collect();
    parents
        .into_iter()
        .filter(|p| !nested.contains(p))
        .filter_map(|rel| Some((rel.to_string(), previous_flat(dir, rel)?)))
        .collect()
}

/// The regular files of `dir/rel` when it and every folder on the way are
/// real folders and it holds nothing but regular files with UTF-8 names.
fn previous_flat(dir: &Path, rel: &str) -> Option<BTreeSet<String>> {
    let mut at = dir.to_path_buf();
    if !std::fs::symlink_metadata(&at).ok()?.is_dir() {
        return None;
    }
    for part in rel.split('/') {
        at.push(part);
        if !std::fs::symlink_metadata(&at).ok()?.is_dir() {
            return None;
        }
    }
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(&at).ok()? {
        let entry = entry.ok()?;
        if !entry.file_type().ok()?.is_file() {
            return None;
        }
        names.insert(entry.file_name().into_string().ok()?);
    }
    Some(names)
}

/// Each carried folder's plan, from the files staged aside (`changed`, as
/// output paths) and the new files of the folder.
pub(super) fn plans(carried: &Folders, files: &super::Files, changed: &[&str]) -> Vec<Carried> {
    let mut staged: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (parent, name) in changed.iter().filter_map(|rel| rel.rsplit_once('/')) {
        staged.entry(parent).or_default().push(name.to_string());
    }
    carried
        .iter()
        .map(|(rel, old)| Carried {
            rel: rel.clone(),
            changed: staged.remove(rel.as_str()).unwrap_or_default(),
            removed: old
                .iter()
                .filter(|name| !files.contains_key(&format!("{rel}/{name}")))
                .cloned()
                .collect(),
        })
        .collect()
}

/// Moves each carried folder from `target` into `tmp` and applies its
/// plan. When a folder cannot be moved, or a plan not applied (a file
/// held open elsewhere on Windows), the folders go back to the target,
/// whose other files are untouched.
pub(super) fn bring(target: &Path, tmp: &Path, carried: &[Carried]) -> Result<(), OutputError> {
    let back = |moved: &[Carried]| {
        for c in moved {
            let _ = std::fs::rename(tmp.join(&c.rel), target.join(&c.rel));
        }
    };
    for (i, c) in carried.iter().enumerate() {
        let from = target.join(&c.rel);
        if let Err(e) = std::fs::rename(&from, tmp.join(&c.rel)) {
            back(&carried[..i]);
            return Err(io_error(&from)(e));
        }
    }
    let aside = tmp.join(ASIDE);
    let applied = carried.iter().try_for_each(|c| {
        let folder = tmp.join(&c.rel);
        // Stale files go first: where names ignore case (Windows, macOS),
        // a page renamed from `A.html` to `a.html` replaces the old one,
        // and removing `A.html` after would remove it.
        for name in &c.removed {
            let gone = folder.join(name);
            std::fs::remove_file(&gone).map_err(io_error(&gone))?;
        }
        for name in &c.changed {
            let staged = aside.join(&c.rel).join(name);
            std::fs::rename(&staged, folder.join(name)).map_err(io_error(&staged))?;
        }
        Ok(())
    });
    if let Err(e) = applied {
        back(carried);
        return Err(e);
    }
    if aside.symlink_metadata().is_ok() {
        std::fs::remove_dir_all(&aside).map_err(io_error(&aside))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(paths: &[&str]) -> super::super::Files {
        paths.iter().map(|p| (p.to_string(), Vec::new())).collect()
    }

    #[test]
    fn only_folders_of_files_whose_old_copy_is_a_plain_folder_are_carried() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for f in [
            "documents/a.html",
            "assets/style.css",
            "assets/search/g1.js",
        ] {
            let p = d.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        // A folder new in this build, and one whose old copy holds a folder.
        std::fs::create_dir_all(d.join("ledgers/sub")).unwrap();
        let new = files(&[
            "index.html",
            "documents/a.html",
            "documents/b.html",
            "assets/style.css",
            "assets/search/g1.js",
            "ledgers/x.html",
            "requirements/r.html",
        ]);
        let carried = folders(d, &new);
        let names: Vec<&str> = carried.keys().map(String::as_str).collect();
        // `assets` holds a folder of the new output; `ledgers` held a
        // folder; `requirements` did not exist.
        assert_eq!(names, ["assets/search", "documents"]);
        assert_eq!(carried["documents"].iter().collect::<Vec<_>>(), ["a.html"]);
    }

    #[test]
    fn a_plan_that_cannot_be_applied_puts_the_folders_back() {
        let target = tempfile::tempdir().unwrap();
        let tmp = tempfile::tempdir().unwrap();
        for f in ["documents/a.html", "ledgers/l.html"] {
            let p = target.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "old").unwrap();
        }
        // The second folder's staged file is missing: its rename fails
        // after both folders moved.
        std::fs::create_dir_all(tmp.path().join(ASIDE).join("documents")).unwrap();
        std::fs::write(tmp.path().join(ASIDE).join("documents/a.html"), "new").unwrap();
        let carried = vec![
            Carried {
                rel: "documents".into(),
                changed: vec!["a.html".into()],
                removed: vec![],
            },
            Carried {
                rel: "ledgers".into(),
                changed: vec!["gone.html".into()],
                removed: vec![],
            },
        ];
        assert!(bring(target.path(), tmp.path(), &carried).is_err());
        for f in ["documents/a.html", "ledgers/l.html"] {
            assert!(target.path().join(f).is_file(), "{f} is back");
        }
        assert!(!tmp.path().join("documents").exists());
        assert!(!tmp.path().join("ledgers").exists());
    }

    #[test]
    fn stale_files_are_removed_before_changed_ones_come_in() {
        let target = tempfile::tempdir().unwrap();
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(target.path().join("documents")).unwrap();
        std::fs::write(target.path().join("documents/A.html"), "old").unwrap();
        std::fs::create_dir_all(tmp.path().join(ASIDE).join("documents")).unwrap();
        std::fs::write(tmp.path().join(ASIDE).join("documents/a.html"), "new").unwrap();
        let carried = vec![Carried {
            rel: "documents".into(),
            changed: vec!["a.html".into()],
            removed: vec!["A.html".into()],
        }];
        bring(target.path(), tmp.path(), &carried).unwrap();
        // Whether or not the file system folds case, the new page is there.
        let page = tmp.path().join("documents/a.html");
        assert_eq!(std::fs::read_to_string(page).unwrap(), "new");
        assert!(!tmp.path().join(ASIDE).exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_reached_through_a_link_or_holding_one_is_not_carried() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(elsewhere.path().join("search")).unwrap();
        std::fs::write(elsewhere.path().join("search/g1.js"), "x").unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), d.join("assets")).unwrap();
        std::fs::create_dir_all(d.join("documents")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), d.join("documents/evil.html")).unwrap();
        let new = files(&["assets/search/g1.js", "documents/a.html"]);
        assert!(folders(d, &new).is_empty());
    }
}
