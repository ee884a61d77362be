//! Writes a deterministic synthetic corpus for benchmarks (see
//! `scripts/bench` and `BENCHMARKS.md`):
//!
//! ```text
//! cargo run --release --example gen_corpus -- --docs N --rows M --out DIR
//! ```
//!
//! * `DIR/anzen/`: an anzen project. The sample project of this repository
//!   (its `anzen.yaml`, seven documents, ledgers, evidence and the full
//!   31-item answers file) is the seed, so the answers and their evidence
//!   stay valid; to it come `N - 7` generated documents (front matter,
//!   headings with ids, paragraphs of Japanese text, lists, tables, links
//!   to other documents and sections) and `M` generated ledger rows
//!   (entry/exit 70 %, exchanges 20 %, take-out 10 %) in `ledgers/gen_<kind>_NNNN.yaml`,
//!   at most 20,000 rows per file.
//! * `DIR/hugo/`: the same `N` Markdown bodies as a plain Hugo site
//!   (`config.toml`, `content/docs/*.md` with front matter Hugo accepts and
//!   a minimal `layouts/`, no theme).
//!
//! The same arguments always give the same bytes.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// splitmix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SUBJECTS: &[&str] = &[
    "保護管理者は",
    "個人情報取扱従事者は",
    "総括保護管理者は",
    "情報システム担当者は",
    "委託先の従事者は",
    "各課の責任者は",
    "当社は",
    "研修責任者は",
];
const OBJECTS: &[&str] = &[
    "委託元から受領した個人情報を",
    "特定個人情報等を含む書類を",
    "入力結果データを",
    "記録媒体を",
    "アクセス記録を",
    "入退室の記録を",
    "授受の記録を",
    "管理区域の鍵を",
    "利用者IDとパスワードを",
    "バックアップデータを",
];
const ACTIONS: &[&str] = &[
    "施錠できる耐火キャビネットに保管しなければならない。",
    "業務の目的以外に利用してはならない。",
    "定められた手順に従って取り扱う。",
    "毎月点検し、その結果を記録する。",
    "暗号化したうえで、承認を得て持ち出す。",
    "契約終了後、速やかに返却又は削除する。",
    "記録から5年間保管する。",
    "第三者に提供してはならない。",
    "複製する場合は、あらかじめ保護管理者の承認を得る。",
    "異常を発見したときは、直ちに保護管理者に報告する。",
];
const TAILS: &[&str] = &[
    "なお、詳細は別に定める。",
    "この場合において、記録は台帳に残すものとする。",
    "ただし、委託元の指示がある場合はこの限りでない。",
    "",
    "",
    "これは、安全管理基準の要求に基づくものである。",
];
const HEADINGS: &[&str] = &[
    "目的",
    "適用範囲",
    "用語の定義",
    "管理体制",
    "取扱いの手順",
    "保管と廃棄",
    "持出しの制限",
    "アクセス制御",
    "教育・研修",
    "点検と監査",
    "事故発生時の対応",
    "記録の保管",
    "再委託",
    "見直し",
];
const TITLES: &[&str] = &[
    "個人情報取扱細則",
    "記録媒体管理要領",
    "管理区域運用手順書",
    "アクセス権限管理要領",
    "情報資産管理手順",
    "委託業務実施計画",
    "教育訓練実施要領",
    "事故対応手順書",
];
const KINDS: &[&str] = &["policy", "rules", "procedure", "plan", "other"];
const SAMPLE_DOCS: &[&str] = &[
    "basic-policy",
    "emergency-plan",
    "handling-procedure",
    "security-rules",
    "system-operation-rules",
    "training-plan",
    "work-rules",
];

struct Args {
    docs: usize,
    rows: usize,
    out: PathBuf,
}

fn args() -> Args {
    let mut a = Args {
        docs: 1000,
        rows: 10_000,
        out: PathBuf::from("bench-corpus"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--docs" => a.docs = value.parse().unwrap_or_else(|_| usage()),
            "--rows" => a.rows = value.parse().unwrap_or_else(|_| usage()),
            "--out" => a.out = PathBuf::from(value),
            _ => usage(),
        }
    }
    a
}

fn usage() -> ! {
    eprintln!("usage: gen_corpus --docs N --rows M --out DIR");
    std::process::exit(2)
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    let mut entries: Vec<_> = fs::read_dir(from)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if e.file_type()?.is_dir() {
            copy_dir(&src, &dst)?;
        } else {
            fs::copy(&src, &dst)?;
        }
    }
    Ok(())
}

fn paragraph(rng: &mut Rng, sentences: usize) -> String {
    let mut p = String::new();
    for _ in 0..sentences {
        p.push_str(rng.pick(SUBJECTS));
        p.push_str(rng.pick(OBJECTS));
        p.push_str(rng.pick(ACTIONS));
        p.push_str(rng.pick(TAILS));
    }
    p
}

fn doc_id(i: usize) -> String {
    format!("g-{i:05}")
}

/// One generated document: (front matter fields, body).
fn document(i: usize, total: usize, rng: &mut Rng) -> (String, String) {
    let id = doc_id(i);
    let title = format!("{} 第{}号", rng.pick(TITLES), i);
    let sections = 5 + rng.below(4);
    let mut body = format!("# {title}\n\n{}\n", paragraph(rng, 2));
    for s in 1..=sections {
        let heading = HEADINGS[(i + s) % HEADINGS.len()];
        let _ = write!(body, "\n## {s}. {heading} {{#s{s}}}\n\n");
        let n = 2 + rng.below(3);
        body.push_str(&paragraph(rng, n));
        body.push('\n');
        match s % 3 {
            0 => {
                body.push('\n');
                for k in 1..=4 {
                    let _ = writeln!(body, "{k}. {}", paragraph(rng, 1));
                }
            }
            1 => {
                body.push('\n');
                for _ in 0..3 {
                    let _ = writeln!(body, "- {}", paragraph(rng, 1));
                }
                let other = doc_id(1 + (i * 7 + s) % total.max(1));
                let t = 1 + s % 5;
                let _ = writeln!(
                    body,
                    "- 関連: [{other} の第{t}節]({other}#s{t})、[個人情報保護規程の教育・研修](security-rules#education)"
                );
            }
            _ => {
                body.push_str("\n| 区分 | 担当 | 頻度 | 記録 |\n|---|---|---|---|\n");
                for r in 0..3 {
                    let _ = writeln!(
                        body,
                        "| {} | 保護管理者 | 毎月{}回 | 台帳に記録 |",
                        HEADINGS[(i + r) % HEADINGS.len()],
                        1 + rng.below(3)
                    );
                }
            }
        }
    }
    body.push_str("\n### 附則 {#appendix}\n\nこの文書は、2026年4月1日から施行する。詳しくは[基本方針](basic-policy)を参照。\n");
    let kind = KINDS[i % KINDS.len()];
    let satisfies = if i.is_multiple_of(10) {
        "satisfies:\n  - requirement: S3(3)\n    section: s1\n"
    } else {
        ""
    };
    let front = format!(
        "id: {id}\nkind: {kind}\ntitle: {title}\nversion: \"2026.{}\"\napproval:\n  approver: 総括保護管理者 潮見 恭子\n  date: 2026-03-{:02}\nreview_by: 2027-03-31\n{satisfies}",
        1 + i % 3,
        1 + i % 28
    );
    (front, body)
}

fn date(n: usize) -> String {
    // A day between 2026-04-01 and 2026-11-19 (233 days).
    const MONTHS: [(u32, usize); 8] = [
        (4, 30),
        (5, 31),
        (6, 30),
        (7, 31),
        (8, 31),
        (9, 30),
        (10, 31),
        (11, 19),
    ];
    let mut d = n % 233;
    for (m, len) in MONTHS {
        if d < len {
            return format!("2026-{m:02}-{:02}", d + 1);
        }
        d -= len;
    }
    unreachable!()
}

fn ledgers(dir: &Path, rows: usize, rng: &mut Rng) -> std::io::Result<()> {
    const STAFF: &[&str] = &["S002", "S003", "S004", "S005", "S006"];
    // Each member of staff with the areas their `areas:` list in the
    // sample's staff ledger admits them to (an entry elsewhere is a finding).
    const STAFF_AREAS: &[(&str, &[&str])] = &[
        ("S002", &["AREA-A", "AREA-C"]),
        ("S003", &["AREA-A", "AREA-B", "AREA-C"]),
        ("S004", &["AREA-A"]),
        ("S005", &["AREA-A"]),
        ("S006", &["AREA-A"]),
    ];
    let (ee, ex) = (rows * 7 / 10, rows * 2 / 10);
    let to = rows - ee - ex;
    let mut out = Chunks::new(dir, "entry_exit", "入退室記録（生成）");
    for n in 0..ee {
        let (staff, areas) = STAFF_AREAS[rng.below(STAFF_AREAS.len())];
        let area = rng.pick(areas);
        let s = out.row()?;
        let _ = write!(
            s,
            "  - id: GEE-{n:07}\n    date: {}\n    area: {area}\n    staff: {staff}\n    purpose: {}\n    time_in: \"{:02}:{:02}\"\n    time_out: \"{:02}:{:02}\"\n",
            date(n / 40),
            rng.pick(&[
                "給与支払報告書の入力作業",
                "入力結果の照合",
                "保管庫の点検",
                "ログ保管装置の確認"
            ]),
            8 + n % 3,
            n % 60,
            16 + n % 3,
            (n * 7) % 60
        );
    }
    out.finish()?;
    let mut out = Chunks::new(dir, "exchanges", "情報授受記録（生成）");
    for n in 0..ex {
        let direction = rng.pick(&["received", "sent", "returned"]);
        // Paper handed over in a locked container; what is sent is the
        // input data on a registered, encrypted company USB stick.
        let (item, media) = if direction == "sent" {
            (
                "入力結果データ",
                "media_type: usb\n    device: USB-M03\n    channel: hand\n    method: 暗号化USBメモリを手渡し（施錠搬送容器）",
            )
        } else {
            (
                "給与支払報告書（紙）",
                "media_type: paper\n    channel: hand\n    method: 手渡し（施錠搬送容器）",
            )
        };
        let s = out.row()?;
        let _ = write!(
            s,
            "  - id: GEX-{n:07}\n    date: {}\n    direction: {direction}\n    counterparty: 架空市 市民部市民税課\n    item: {item}第{}回分\n    {media}\n    handled_by: {}\n",
            date(n / 10),
            1 + n % 20,
            rng.pick(STAFF)
        );
    }
    out.finish()?;
    let mut out = Chunks::new(dir, "take_out", "持出し記録（生成）");
    for n in 0..to {
        let d = date(n / 5);
        let s = out.row()?;
        let _ = write!(
            s,
            "  - id: GTO-{n:07}\n    date: {d}\n    item: 入力結果データ（第{}回納品分）\n    media: 暗号化USBメモリ（USB-M03）\n    media_type: usb\n    device: USB-M03\n    destination: 架空市役所 市民部市民税課\n    purpose: 納品\n    carrier: {}\n    approver: S001\n    approved_on: {d}\n    locked_container: true\n    protection: 施錠搬送容器・AES-256暗号化\n    returned: {d}\n",
            1 + n % 20,
            rng.pick(STAFF)
        );
    }
    out.finish()
}

/// Rows per generated ledger file. anzen refuses files over 32 MB and asks
/// for ledgers split by period, as a real vendor's would be; 20,000 rows is
/// a few megabytes.
const ROWS_PER_FILE: usize = 20_000;

/// One ledger kind written as `gen_<kind>_NNNN.yaml` files of at most
/// [`ROWS_PER_FILE`] entries each.
struct Chunks<'a> {
    dir: &'a Path,
    kind: &'static str,
    title: &'static str,
    text: String,
    rows: usize,
    files: usize,
}

impl<'a> Chunks<'a> {
    fn new(dir: &'a Path, kind: &'static str, title: &'static str) -> Self {
        Chunks {
            dir,
            kind,
            title,
            text: String::new(),
            rows: 0,
            files: 0,
        }
    }

    /// The text to append the next entry to, starting a new file when the
    /// current one is full.
    fn row(&mut self) -> std::io::Result<&mut String> {
        if self.rows == ROWS_PER_FILE {
            self.flush()?;
        }
        if self.rows == 0 {
            let _ = write!(
                self.text,
                "kind: {}\ntitle: {}\nretention:\n  years: 5\nentries:\n",
                self.kind, self.title
            );
        }
        self.rows += 1;
        Ok(&mut self.text)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.files += 1;
        let name = format!("gen_{}_{:04}.yaml", self.kind, self.files);
        fs::write(self.dir.join(name), std::mem::take(&mut self.text))?;
        self.rows = 0;
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<()> {
        if self.rows > 0 { self.flush() } else { Ok(()) }
    }
}

/// Splits a sample document into (front matter, body).
fn split_front(text: &str) -> (&str, &str) {
    let rest = text.strip_prefix("---\n").unwrap_or(text);
    match rest.find("\n---\n") {
        Some(end) => (&rest[..end + 1], &rest[end + 5..]),
        None => ("", text),
    }
}

fn front_value<'a>(front: &'a str, key: &str) -> &'a str {
    front
        .lines()
        .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix(':')))
        .map(|v| v.trim().trim_matches('"'))
        .unwrap_or("")
}

fn hugo_page(id: &str, title: &str, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\nslug: \"{id}\"\ndocid: \"{id}\"\n---\n{body}")
}

fn main() -> std::io::Result<()> {
    let a = args();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (anzen, hugo) = (a.out.join("anzen"), a.out.join("hugo"));
    for d in [&anzen, &hugo] {
        if d.exists() {
            fs::remove_dir_all(d)?;
        }
    }
    copy_dir(&seed.join("content"), &anzen.join("content"))?;
    fs::copy(seed.join("anzen.yaml"), anzen.join("anzen.yaml"))?;
    let hugo_docs = hugo.join("content/docs");
    fs::create_dir_all(&hugo_docs)?;
    fs::create_dir_all(hugo.join("layouts/_default"))?;
    fs::write(
        hugo.join("config.toml"),
        "baseURL = \"http://example.org/\"\nlanguageCode = \"ja\"\ntitle = \"anzen bench\"\nhasCJKLanguage = true\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\", \"404\"]\n[markup.goldmark.renderer]\nunsafe = false\n[markup.tableOfContents]\nstartLevel = 2\nendLevel = 3\n",
    )?;
    let base = "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head><body><nav><a href=\"{{ \"/\" | relURL }}\">anzen bench</a></nav>{{ block \"main\" . }}{{ end }}</body></html>\n";
    fs::write(hugo.join("layouts/_default/baseof.html"), base)?;
    fs::write(
        hugo.join("layouts/_default/single.html"),
        "{{ define \"main\" }}<article><h1>{{ .Title }}</h1><aside>{{ .TableOfContents }}</aside>{{ .Content }}</article>{{ end }}\n",
    )?;
    fs::write(
        hugo.join("layouts/_default/list.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n",
    )?;
    fs::write(
        hugo.join("layouts/index.html"),
        "{{ define \"main\" }}<ul>{{ range .Site.RegularPages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n",
    )?;

    // The seed's documents, for Hugo too.
    for id in SAMPLE_DOCS {
        let text = fs::read_to_string(seed.join(format!("content/documents/{id}.md")))?;
        let (front, body) = split_front(&text);
        fs::write(
            hugo_docs.join(format!("{id}.md")),
            hugo_page(id, front_value(front, "title"), body),
        )?;
    }
    let mut rng = Rng(0x616e_7a65_6e00);
    let generated = a.docs.saturating_sub(SAMPLE_DOCS.len());
    let gen_dir = anzen.join("content/documents/gen");
    fs::create_dir_all(&gen_dir)?;
    for i in 1..=generated {
        let (front, body) = document(i, generated, &mut rng);
        let id = doc_id(i);
        fs::write(
            gen_dir.join(format!("{id}.md")),
            format!("---\n{front}---\n{body}"),
        )?;
        let title = front_value(&front, "title");
        fs::write(
            hugo_docs.join(format!("{id}.md")),
            hugo_page(&id, title, &body),
        )?;
    }
    ledgers(&anzen.join("content/ledgers"), a.rows, &mut rng)?;
    println!(
        "{}: {} documents ({} generated), {} generated ledger rows",
        a.out.display(),
        generated + SAMPLE_DOCS.len(),
        generated,
        a.rows
    );
    Ok(())
}
