//! `anzen verify` against hostile zips: bombs (one huge entry, too much in
//! all, too many entries, over-long names, an oversized manifest),
//! unencrypted or ZipCrypto entries when a password is given, names that
//! escape the folder or hide (`../`, absolute, backslashes, controls,
//! symlinks, duplicates, in the zip and in the manifest), password files and
//! zips that are not regular files, and names that would rewrite the
//! terminal. Most zips are written byte by byte here ([`RawEntry`]), so any
//! name, flag or size can be put in; the bombs are real deflate streams of
//! zeros built without compressing anything ([`deflate_zeros`]), with real
//! CRCs, so a reader that went ahead would get gigabytes.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

const PASSWORD: &str = "correct horse 電池 staple";

// ---------------------------------------------------------------- running

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl std::fmt::Display for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `anzen <args>` (without ANZEN_ZIP_PASSWORD unless `env` sets it),
/// failing the test instead of hanging if it runs for a minute.
fn anzen(args: &[&str], env: &[(&str, &str)]) -> Out {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_anzen"));
    cmd.arg("--root")
        .arg(dir.path())
        .args(args)
        .env_remove("ANZEN_ZIP_PASSWORD")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("anzen {args:?} still running after 60 s (hung on its input?)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Out {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
    }
}

fn verify(zip: &Path, extra: &[&str], env: &[(&str, &str)]) -> Out {
    let mut args = vec!["verify"];
    args.extend_from_slice(extra);
    args.push(zip.to_str().unwrap());
    anzen(&args, env)
}

/// Asserts a refusal: exit 2, nothing on stdout, and every one of `needles`
/// in the message.
fn refused(out: &Out, needles: &[&str]) {
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stdout.is_empty(), "{out}");
    for n in needles {
        assert!(out.stderr.contains(n), "{n:?} not in the message\n{out}");
    }
}

// ---------------------------------------------------------------- CRC-32

fn crc32(data: &[u8]) -> u32 {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table = [0u32; 256];
        for (i, t) in table.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *t = c;
        }
        table
    });
    let mut crc = !0u32;
    for &b in data {
        crc = table[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

/// CRC-32 of `n` zero bytes without reading them: over zeros the register
/// only shifts, a linear map, so it is raised to the power `n` by squaring.
fn crc32_of_zeros(n: u64) -> u32 {
    type M = [u32; 32];
    fn times(m: &M, mut v: u32) -> u32 {
        let mut r = 0;
        let mut i = 0;
        while v != 0 {
            if v & 1 != 0 {
                r ^= m[i];
            }
            v >>= 1;
            i += 1;
        }
        r
    }
    fn square(m: &M) -> M {
        let mut s = [0; 32];
        for i in 0..32 {
            s[i] = times(m, m[i]);
        }
        s
    }
    let mut bit = [0u32; 32];
    bit[0] = 0xEDB8_8320;
    for (i, b) in bit.iter_mut().enumerate().skip(1) {
        *b = 1 << (i - 1);
    }
    let mut m = square(&square(&square(&bit))); // one zero byte
    let (mut v, mut e) = (!0u32, n);
    while e > 0 {
        if e & 1 != 0 {
            v = times(&m, v);
        }
        m = square(&m);
        e >>= 1;
    }
    !v
}

// ---------------------------------------------------------------- deflate

/// Bits in deflate's order: fields least significant bit first, Huffman
/// codes most significant bit first.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    byte: u8,
    used: u32,
}

impl Bits {
    fn bit(&mut self, b: u32) {
        self.byte |= ((b & 1) as u8) << self.used;
        self.used += 1;
        if self.used == 8 {
            self.out.push(self.byte);
            self.byte = 0;
            self.used = 0;
        }
    }
    fn field(&mut self, v: u32, len: u32) {
        for i in 0..len {
            self.bit(v >> i);
        }
    }
    fn code(&mut self, c: u32, len: u32) {
        for i in (0..len).rev() {
            self.bit(c >> i);
        }
    }
    fn zeros(&mut self, mut n: u64) {
        while n > 0 && self.used != 0 {
            self.bit(0);
            n -= 1;
        }
        self.out.resize(self.out.len() + (n / 8) as usize, 0);
        for _ in 0..n % 8 {
            self.bit(0);
        }
    }
    fn finish(mut self) -> Vec<u8> {
        if self.used != 0 {
            self.out.push(self.byte);
        }
        self.out
    }
}

/// A raw deflate stream of `1 + 258 * k` zero bytes, as compact as deflate
/// allows (about 1032:1): one dynamic block whose only codes are the
/// literal 0 (`10`), end of block (`11`) and length 258 (`0`), with one
/// distance code (1, `0`); after the first zero each further 258 zeros cost
/// two bits.
fn deflate_zeros(k: u64) -> (Vec<u8>, u64) {
    let mut b = Bits::default();
    b.field(1, 1); // last block
    b.field(2, 2); // dynamic Huffman codes
    b.field(29, 5); // 286 literal/length codes
    b.field(0, 5); // 1 distance code
    b.field(14, 4); // 18 code length codes
    // Code length code lengths in deflate's order 16 17 18 0 8 7 9 6 10 5
    // 11 4 12 3 13 2 14 1: symbol 18 gets 1 bit, symbols 1 and 2 get 2.
    for len in [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2] {
        b.field(len, 3);
    }
    // Literal/length code lengths: 0 -> 2, 1..=255 -> none, 256 -> 2,
    // 257..=284 -> none, 285 -> 1; then the one distance code -> 1.
    b.code(0b11, 2); // length 2 (symbol 0)
    b.code(0, 1); // 138 zeros
    b.field(138 - 11, 7);
    b.code(0, 1); // 117 zeros
    b.field(117 - 11, 7);
    b.code(0b11, 2); // length 2 (symbol 256)
    b.code(0, 1); // 28 zeros
    b.field(28 - 11, 7);
    b.code(0b10, 2); // length 1 (symbol 285)
    b.code(0b10, 2); // length 1 (distance code 0)
    b.code(0b10, 2); // the literal 0
    b.zeros(2 * k); // k times: length 258, distance 1
    b.code(0b11, 2); // end of block
    (b.finish(), 1 + 258 * k)
}

// ---------------------------------------------------------------- zips

/// One entry of a zip written byte by byte: whatever name, flags, sizes and
/// attributes a test wants.
#[derive(Clone)]
struct RawEntry {
    name: Vec<u8>,
    method: u16,
    flags: u16,
    crc: u32,
    size: u32,
    data: Vec<u8>,
    made_by: u16,
    external: u32,
}

const UNIX: u16 = 3 << 8 | 20;
const REGULAR: u32 = 0o100644 << 16;

impl RawEntry {
    fn stored(name: impl AsRef<[u8]>, data: &[u8]) -> RawEntry {
        let name = name.as_ref().to_vec();
        RawEntry {
            flags: if name.is_ascii() { 0 } else { 0x800 },
            name,
            method: 0,
            crc: crc32(data),
            size: data.len() as u32,
            data: data.to_vec(),
            made_by: UNIX,
            external: REGULAR,
        }
    }

    /// `1 + 258 * k` zeros, deflated.
    fn zeros(name: &str, k: u64) -> RawEntry {
        let (data, size) = deflate_zeros(k);
        RawEntry {
            name: name.as_bytes().to_vec(),
            method: 8,
            flags: 0,
            crc: crc32_of_zeros(size),
            size: u32::try_from(size).unwrap(),
            data,
            made_by: UNIX,
            external: REGULAR,
        }
    }
}

/// The zip of `entries`, in that order (local headers, central directory,
/// end record; zip64 only for the entry count, so under 4 GiB in all).
fn raw_zip(entries: &[RawEntry]) -> Vec<u8> {
    fn u16le(v: &mut Vec<u8>, x: u16) {
        v.extend_from_slice(&x.to_le_bytes());
    }
    fn u32le(v: &mut Vec<u8>, x: u32) {
        v.extend_from_slice(&x.to_le_bytes());
    }
    let (time, date) = (0u16, 0x21u16); // 1980-01-01 00:00
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        u32le(&mut out, 0x0403_4b50);
        u16le(&mut out, 20);
        u16le(&mut out, e.flags);
        u16le(&mut out, e.method);
        u16le(&mut out, time);
        u16le(&mut out, date);
        u32le(&mut out, e.crc);
        u32le(&mut out, e.data.len() as u32);
        u32le(&mut out, e.size);
        u16le(&mut out, e.name.len() as u16);
        u16le(&mut out, 0);
        out.extend_from_slice(&e.name);
        out.extend_from_slice(&e.data);

        u32le(&mut central, 0x0201_4b50);
        u16le(&mut central, e.made_by);
        u16le(&mut central, 20);
        u16le(&mut central, e.flags);
        u16le(&mut central, e.method);
        u16le(&mut central, time);
        u16le(&mut central, date);
        u32le(&mut central, e.crc);
        u32le(&mut central, e.data.len() as u32);
        u32le(&mut central, e.size);
        u16le(&mut central, e.name.len() as u16);
        u16le(&mut central, 0); // extra
        u16le(&mut central, 0); // comment
        u16le(&mut central, 0); // disk
        u16le(&mut central, 0); // internal attributes
        u32le(&mut central, e.external);
        u32le(&mut central, offset);
        central.extend_from_slice(&e.name);
    }
    let cd_offset = out.len() as u32;
    let cd_size = central.len() as u32;
    out.extend_from_slice(&central);
    let count = match u16::try_from(entries.len()) {
        Ok(n) if n < u16::MAX => n,
        // More entries than the end record counts: a zip64 end record
        // and its locator before it.
        _ => {
            let n = entries.len() as u64;
            let at = out.len() as u64;
            u32le(&mut out, 0x0606_4b50);
            out.extend_from_slice(&44u64.to_le_bytes());
            u16le(&mut out, 45);
            u16le(&mut out, 45);
            u32le(&mut out, 0);
            u32le(&mut out, 0);
            out.extend_from_slice(&n.to_le_bytes());
            out.extend_from_slice(&n.to_le_bytes());
            out.extend_from_slice(&u64::from(cd_size).to_le_bytes());
            out.extend_from_slice(&u64::from(cd_offset).to_le_bytes());
            u32le(&mut out, 0x0706_4b50);
            u32le(&mut out, 0);
            out.extend_from_slice(&at.to_le_bytes());
            u32le(&mut out, 1);
            u16::MAX
        }
    };
    u32le(&mut out, 0x0605_4b50);
    u16le(&mut out, 0);
    u16le(&mut out, 0);
    u16le(&mut out, count);
    u16le(&mut out, count);
    u32le(&mut out, cd_size);
    u32le(&mut out, cd_offset);
    u16le(&mut out, 0);
    out
}

fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A manifest.json listing `files` (path, size, SHA-256 hex).
fn manifest_json(files: &[(String, u64, String)]) -> Vec<u8> {
    let files: Vec<_> = files
        .iter()
        .map(|(p, s, h)| serde_json::json!({"path": p, "size": s, "sha256": h}))
        .collect();
    serde_json::to_vec_pretty(&serde_json::json!({
        "tool": "anzen",
        "tool_version": "0.1.0",
        "as_of": "2026-11-20",
        "vendor": "受注者",
        "client": "発注者",
        "contract": "契約",
        "contract_number": "R8-1",
        "git_commit": null,
        "git_dirty": null,
        "check": {"errors": 0, "warnings": 0, "allowed_findings": false, "findings": []},
        "files": files,
    }))
    .unwrap()
}

/// A manifest entry listing `files` with their true sizes and hashes.
fn manifest_of(files: &[(&str, &[u8])]) -> RawEntry {
    let listed: Vec<_> = files
        .iter()
        .map(|(p, d)| (p.to_string(), d.len() as u64, sha256_hex(d)))
        .collect();
    RawEntry::stored("manifest.json", &manifest_json(&listed))
}

/// `files` as stored entries plus a manifest that lists them truly: a zip
/// the code as found verifies with exit 0.
fn listed_zip(files: &[(&str, &[u8])]) -> Vec<RawEntry> {
    let mut entries = vec![manifest_of(files)];
    entries.extend(files.iter().map(|(p, d)| RawEntry::stored(p, d)));
    entries
}

fn write_zip(dir: &Path, name: &str, entries: &[RawEntry]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, raw_zip(entries)).unwrap();
    p
}

#[derive(Clone, Copy)]
enum Enc {
    Plain,
    Aes,
    ZipCrypto,
}

/// A zip written with the zip crate (as `anzen build` writes them), each
/// entry plain, AES-256 or ZipCrypto with [`PASSWORD`].
fn crate_zip(path: &Path, entries: &[(&str, &[u8], Enc)]) {
    crate_zip_with(path, PASSWORD, entries)
}

fn crate_zip_with(path: &Path, password: &str, entries: &[(&str, &[u8], Enc)]) {
    use zip::unstable::write::FileOptionsExt;
    use zip::write::SimpleFileOptions;
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, data, enc) in entries {
        let base =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let opts = match enc {
            Enc::Plain => base,
            Enc::Aes => base.with_aes_encryption(zip::AesMode::Aes256, password),
            Enc::ZipCrypto => base
                .with_deprecated_encryption(password.as_bytes())
                .unwrap(),
        };
        z.start_file(*name, opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap();
}

fn manifest_bytes(files: &[(&str, &[u8])]) -> Vec<u8> {
    let listed: Vec<_> = files
        .iter()
        .map(|(p, d)| (p.to_string(), d.len() as u64, sha256_hex(d)))
        .collect();
    manifest_json(&listed)
}

// ---------------------------------------------------------------- helpers checked

#[test]
fn the_test_helpers_write_zips_other_readers_accept() {
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    for n in [0, 1, 7, 258, 259, 100_000] {
        assert_eq!(crc32_of_zeros(n), crc32(&vec![0; n as usize]), "{n}");
    }
    // The deflate stream and the raw zip, read by the zip crate.
    let dir = tempfile::tempdir().unwrap();
    let zip = write_zip(
        dir.path(),
        "z.zip",
        &[
            RawEntry::zeros("zeros", 1000),
            RawEntry::stored("a.txt", b"hi"),
        ],
    );
    let mut z = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    let mut data = Vec::new();
    z.by_name("zeros").unwrap().read_to_end(&mut data).unwrap();
    assert_eq!(data.len(), 1 + 258 * 1000);
    assert!(data.iter().all(|&b| b == 0));
    assert_eq!(z.by_name("a.txt").unwrap().size(), 2);
    // And a zip the code as found verifies.
    let ok = write_zip(dir.path(), "ok.zip", &listed_zip(&[("a.txt", b"hi")]));
    let out = verify(&ok, &[], &[]);
    assert_eq!(out.code, 0, "{out}");
}

// ---------------------------------------------------------------- 1. bombs and limits

#[test]
fn verify_refuses_a_zip_bomb_without_reading_it_into_memory() {
    // One entry of about 4 GiB of zeros in a 4 MB zip, CRC correct: a
    // reader that hashed it would spend 4 GiB of inflating (and the code as
    // found held it all in a Vec: 8.4 GB of memory).
    let dir = tempfile::tempdir().unwrap();
    let k = (4095u64 << 20) / 258;
    let bomb = RawEntry::zeros("05_サイト/bomb.bin", k);
    assert!(bomb.data.len() < 4_200_000 && u64::from(bomb.size) > 4_290_000_000);
    let mut entries = listed_zip(&[("a.txt", b"hi")]);
    entries.push(bomb);
    let zip = write_zip(dir.path(), "bomb.zip", &entries);
    let out = verify(&zip, &[], &[]);
    refused(&out, &["05_サイト/bomb.bin", "bomb.zip", "圧縮率"]);
    let out = verify(&zip, &["--lang", "en"], &[]);
    refused(&out, &["05_サイト/bomb.bin", "compression ratio"]);
}

#[test]
fn verify_refuses_more_than_8_gib_in_all_before_inflating_any() {
    // 1,030 entries of 8 MiB of zeros each (each small enough to be spared
    // the ratio check): 8.05 GiB in all from an 8 MB zip.
    let dir = tempfile::tempdir().unwrap();
    let k = ((8u64 << 20) - 1) / 258;
    let one = RawEntry::zeros("x", k);
    let mut entries = listed_zip(&[("a.txt", b"hi")]);
    for i in 0..1030 {
        let mut e = one.clone();
        e.name = format!("zeros/{i:04}.bin").into_bytes();
        entries.push(e);
    }
    let zip = write_zip(dir.path(), "total.zip", &entries);
    let out = verify(&zip, &[], &[]);
    refused(&out, &["展開後の合計", "8 GiB"]);
    let out = verify(&zip, &["--lang", "en"], &[]);
    refused(&out, &["uncompressed", "8 GiB"]);
}

#[test]
fn verify_refuses_more_than_200000_entries() {
    let dir = tempfile::tempdir().unwrap();
    let mut entries = vec![manifest_of(&[])];
    for i in 0..200_000 {
        entries.push(RawEntry::stored(format!("f/{i:06}"), b""));
    }
    let zip = write_zip(dir.path(), "many.zip", &entries);
    let out = verify(&zip, &[], &[]);
    refused(&out, &["200001", "200000"]);
    let out = verify(&zip, &["--lang", "en"], &[]);
    refused(&out, &["entries", "200000"]);
}

#[test]
fn verify_refuses_an_entry_name_longer_than_1024_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let long = format!("{}.txt", "あ".repeat(341)); // 1,027 bytes
    let zip = write_zip(dir.path(), "long.zip", &listed_zip(&[(&long, b"x")]));
    let out = verify(&zip, &["--lang", "en"], &[]);
    refused(&out, &["1027", "1024"]);
    // 1,024 bytes pass.
    let fits = format!("{}.txt", "a".repeat(1020));
    assert_eq!(fits.len(), 1024);
    let zip = write_zip(dir.path(), "fits.zip", &listed_zip(&[(&fits, b"x")]));
    let out = verify(&zip, &[], &[]);
    assert_eq!(out.code, 0, "{out}");
}

#[test]
fn verify_refuses_a_manifest_over_its_size_cap_before_reading_it() {
    // 65 MiB of zeros as manifest.json.
    let dir = tempfile::tempdir().unwrap();
    let mut manifest = RawEntry::zeros("manifest.json", (65u64 << 20) / 258);
    manifest.name = b"manifest.json".to_vec();
    let zip = write_zip(dir.path(), "manifest.zip", &[manifest]);
    let out = verify(&zip, &["--lang", "en"], &[]);
    refused(&out, &["manifest.json", "64 MiB"]);
}

#[test]
fn verify_streams_large_entries_within_the_limits() {
    // 8 MiB of zeros deflated (ratio ~1000:1 but at the size spared the
    // ratio check) and 9 MiB stored (ratio 1:1): both hashed as streams.
    let dir = tempfile::tempdir().unwrap();
    let k = ((8u64 << 20) - 1) / 258;
    let zeros = RawEntry::zeros("zeros.bin", k);
    let zero_bytes = vec![0u8; zeros.size as usize];
    let big: Vec<u8> = (0..9u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let mut entries = vec![manifest_of(&[
        ("zeros.bin", &zero_bytes),
        ("big.bin", &big),
    ])];
    entries.push(zeros);
    entries.push(RawEntry::stored("big.bin", &big));
    let zip = write_zip(dir.path(), "fine.zip", &entries);
    let out = verify(&zip, &[], &[]);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.contains("一致しました（2 ファイル）"), "{out}");
    // One byte of the big file changed: altered, exit 1.
    let mut changed = big.clone();
    changed[5 << 20] ^= 1;
    entries[2] = RawEntry::stored("big.bin", &changed);
    let zip = write_zip(dir.path(), "changed.zip", &entries);
    let out = verify(&zip, &[], &[]);
    assert_eq!(out.code, 1, "{out}");
    assert!(out.stdout.contains("改変: big.bin"), "{out}");
}

// ---------------------------------------------------------------- 2. encryption

#[test]
fn verify_with_a_password_refuses_an_unencrypted_zip_with_a_forged_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let forged: &[u8] = b"forged ledger";
    let zip = dir.path().join("forged.zip");
    crate_zip(
        &zip,
        &[
            (
                "manifest.json",
                &manifest_bytes(&[("04_台帳/研修記録.csv", forged)]),
                Enc::Plain,
            ),
            ("04_台帳/研修記録.csv", forged, Enc::Plain),
        ],
    );
    // Without a password it is an unencrypted bundle that matches itself.
    assert_eq!(verify(&zip, &[], &[]).code, 0);
    let out = verify(&zip, &[], &[("ANZEN_ZIP_PASSWORD", PASSWORD)]);
    refused(
        &out,
        &["forged.zip", "manifest.json", "暗号化されていません"],
    );
    let pw = dir.path().join("pw.txt");
    std::fs::write(&pw, PASSWORD).unwrap();
    let out = verify(
        &zip,
        &["--lang", "en", "--password-file", pw.to_str().unwrap()],
        &[],
    );
    refused(&out, &["manifest.json", "not encrypted"]);
}

#[test]
fn verify_with_a_password_refuses_one_unencrypted_entry_among_aes_ones() {
    // AES entries as the real package has them, with manifest.json and one
    // ledger swapped for unencrypted forgeries.
    let dir = tempfile::tempdir().unwrap();
    let real: &[u8] = b"real";
    let forged: &[u8] = b"forged";
    let zip = dir.path().join("mixed.zip");
    crate_zip(
        &zip,
        &[
            ("a.txt", real, Enc::Aes),
            ("b.txt", forged, Enc::Plain),
            (
                "manifest.json",
                &manifest_bytes(&[("a.txt", real), ("b.txt", forged)]),
                Enc::Plain,
            ),
        ],
    );
    let out = verify(&zip, &[], &[("ANZEN_ZIP_PASSWORD", PASSWORD)]);
    refused(&out, &["b.txt", "暗号化されていません"]);
}

#[test]
fn verify_refuses_zipcrypto_entries_even_with_the_right_password() {
    let dir = tempfile::tempdir().unwrap();
    let data: &[u8] = b"ZipCrypto has no authentication";
    let zip = dir.path().join("zipcrypto.zip");
    crate_zip(
        &zip,
        &[
            (
                "manifest.json",
                &manifest_bytes(&[("a.txt", data)]),
                Enc::ZipCrypto,
            ),
            ("a.txt", data, Enc::ZipCrypto),
        ],
    );
    let out = verify(&zip, &[], &[("ANZEN_ZIP_PASSWORD", PASSWORD)]);
    refused(&out, &["manifest.json", "ZipCrypto"]);
    let out = verify(&zip, &["--lang", "en"], &[]);
    refused(&out, &["ZipCrypto", "AES"]);
}

#[test]
fn verify_reports_an_aes_entry_that_fails_its_authentication() {
    let dir = tempfile::tempdir().unwrap();
    let data = vec![b'a'; 4096];
    let zip = dir.path().join("aes.zip");
    crate_zip(
        &zip,
        &[
            (
                "manifest.json",
                &manifest_bytes(&[("a.txt", &data)]),
                Enc::Aes,
            ),
            ("a.txt", &data, Enc::Aes),
        ],
    );
    let out = verify(&zip, &[], &[("ANZEN_ZIP_PASSWORD", PASSWORD)]);
    assert_eq!(out.code, 0, "{out}");
    // Flip a byte in the middle of a.txt's ciphertext.
    let start = {
        let mut z = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
        let i = z.index_for_name("a.txt").unwrap();
        let f = z.by_index_raw(i).unwrap();
        f.data_start().unwrap() + f.compressed_size() / 2
    };
    let mut bytes = std::fs::read(&zip).unwrap();
    bytes[start as usize] ^= 0x40;
    std::fs::write(&zip, &bytes).unwrap();
    let out = verify(&zip, &["--lang", "en"], &[("ANZEN_ZIP_PASSWORD", PASSWORD)]);
    refused(&out, &["a.txt", "authentication"]);
    let out = verify(&zip, &[], &[("ANZEN_ZIP_PASSWORD", PASSWORD)]);
    refused(&out, &["a.txt", "認証"]);
}

// ---------------------------------------------------------------- 3. names

#[test]
fn verify_refuses_entry_names_that_escape_the_folder_or_hide() {
    let dir = tempfile::tempdir().unwrap();
    for (name, shown) in [
        ("../x.txt", "../x.txt"),
        ("a/../../x.txt", "a/../../x.txt"),
        ("/etc/x.txt", "/etc/x.txt"),
        ("C:\\x.txt", "C:\\x.txt"),
        ("C:/x.txt", "C:/x.txt"),
        ("..\\x.txt", "..\\x.txt"),
        ("a\\b.txt", "a\\b.txt"),
        ("a\0b.txt", "a\\x00b.txt"),
        ("a\x01b.txt", "a\\x01b.txt"),
        ("a/./b.txt", "a/./b.txt"),
        ("a//b.txt", "a//b.txt"),
    ] {
        let zip = write_zip(dir.path(), "names.zip", &listed_zip(&[(name, b"x")]));
        let out = verify(&zip, &["--lang", "en"], &[]);
        refused(&out, &[shown, "names.zip"]);
        assert!(!out.stderr.contains('\0') && !out.stderr.contains('\x01'));
    }
}

#[test]
fn verify_refuses_symlink_entries() {
    let dir = tempfile::tempdir().unwrap();
    let mut entries = listed_zip(&[("link", b"/etc/passwd")]);
    entries[1].external = (0o120777) << 16;
    let zip = write_zip(dir.path(), "link.zip", &entries);
    let out = verify(&zip, &[], &[]);
    refused(&out, &["link", "シンボリックリンク"]);
    let out = verify(&zip, &["--lang", "en"], &[]);
    refused(&out, &["link", "symbolic link"]);
}

#[test]
fn verify_refuses_duplicate_entry_names() {
    // Two entries named a.txt; the manifest matches one of them.
    let dir = tempfile::tempdir().unwrap();
    for evil_first in [true, false] {
        let mut entries = listed_zip(&[("a.txt", b"good")]);
        let evil = RawEntry::stored("a.txt", b"evil");
        if evil_first {
            entries.insert(1, evil);
        } else {
            entries.push(evil);
        }
        let zip = write_zip(dir.path(), "dup.zip", &entries);
        let out = verify(&zip, &["--lang", "en"], &[]);
        refused(&out, &["a.txt", "twice"]);
    }
}

#[test]
fn verify_refuses_manifest_paths_that_escape_or_repeat() {
    let dir = tempfile::tempdir().unwrap();
    for path in ["../x.txt", "/x.txt", "C:\\x.txt", "a\\x.txt", "a/../x.txt"] {
        let entries = vec![RawEntry::stored(
            "manifest.json",
            &manifest_json(&[(path.into(), 1, sha256_hex(b"x"))]),
        )];
        let zip = write_zip(dir.path(), "m.zip", &entries);
        let out = verify(&zip, &["--lang", "en"], &[]);
        refused(&out, &["manifest.json", path]);
    }
    // The same path listed twice.
    let a = ("a.txt".to_string(), 1, sha256_hex(b"x"));
    let entries = vec![
        RawEntry::stored("manifest.json", &manifest_json(&[a.clone(), a])),
        RawEntry::stored("a.txt", b"x"),
    ];
    let zip = write_zip(dir.path(), "m2.zip", &entries);
    let out = verify(&zip, &["--lang", "en"], &[]);
    refused(&out, &["manifest.json", "a.txt", "twice"]);
}

// ---------------------------------------------------------------- 4. many entries

#[test]
fn verify_checks_100000_entries() {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..100_000)
        .map(|i| format!("d{}/f{i:06}.txt", i % 100))
        .collect();
    let data: Vec<Vec<u8>> = (0..100_000)
        .map(|i: u32| i.to_le_bytes().to_vec())
        .collect();
    let files: Vec<(&str, &[u8])> = names
        .iter()
        .zip(&data)
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let mut entries = listed_zip(&files);
    let zip = write_zip(dir.path(), "many.zip", &entries);
    let out = verify(&zip, &[], &[]);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.contains("100000 ファイル"), "{out}");
    // One added, one missing, one altered among them.
    entries.remove(50_001);
    entries[7] = RawEntry::stored(&names[6], b"changed");
    entries.push(RawEntry::stored("extra.txt", b"new"));
    let zip = write_zip(dir.path(), "many2.zip", &entries);
    let out = verify(&zip, &["--format", "json"], &[]);
    assert_eq!(out.code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["listed"], 100_000);
    assert_eq!(v["added"], serde_json::json!(["extra.txt"]));
    assert_eq!(v["missing"], serde_json::json!([names[50_000]]));
    assert_eq!(v["altered"], serde_json::json!([names[6]]));
}

// ---------------------------------------------------------------- 5. not regular files

#[cfg(unix)]
fn mkfifo(p: &Path) {
    let ok = Command::new("mkfifo").arg(p).status().unwrap().success();
    assert!(ok, "mkfifo {}", p.display());
}

#[cfg(unix)]
#[test]
fn verify_refuses_password_files_and_zips_that_are_not_regular_files() {
    let dir = tempfile::tempdir().unwrap();
    let zip = write_zip(dir.path(), "ok.zip", &listed_zip(&[("a.txt", b"hi")]));
    // /dev/zero would be read for ever.
    let out = verify(&zip, &["--password-file", "/dev/zero"], &[]);
    refused(&out, &["/dev/zero", "通常のファイル"]);
    // A FIFO nobody writes to would block the open.
    let fifo = dir.path().join("pw.fifo");
    mkfifo(&fifo);
    let out = verify(
        &zip,
        &["--lang", "en", "--password-file", fifo.to_str().unwrap()],
        &[],
    );
    refused(&out, &["pw.fifo", "not a regular file"]);
    // A folder.
    let out = verify(
        &zip,
        &[
            "--lang",
            "en",
            "--password-file",
            dir.path().to_str().unwrap(),
        ],
        &[],
    );
    refused(&out, &["not a regular file"]);
    // The zip itself as a FIFO, and as /dev/zero.
    let zfifo = dir.path().join("bundle.zip");
    mkfifo(&zfifo);
    let out = verify(&zfifo, &[], &[]);
    refused(&out, &["bundle.zip", "通常のファイル"]);
    let out = verify(Path::new("/dev/zero"), &["--lang", "en"], &[]);
    refused(&out, &["/dev/zero", "not a regular file"]);
}

#[test]
fn verify_refuses_a_password_file_over_4_kib() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(4096);
    let zip = dir.path().join("aes.zip");
    let data: &[u8] = b"hi";
    crate_zip_with(
        &zip,
        &long,
        &[
            (
                "manifest.json",
                &manifest_bytes(&[("a.txt", data)]),
                Enc::Aes,
            ),
            ("a.txt", data, Enc::Aes),
        ],
    );
    let pw = dir.path().join("pw.txt");
    std::fs::write(&pw, "x".repeat(4097)).unwrap();
    let out = verify(
        &zip,
        &["--lang", "en", "--password-file", pw.to_str().unwrap()],
        &[],
    );
    refused(&out, &["pw.txt", "4096"]);
    // 4,096 bytes and a newline are fine.
    std::fs::write(&pw, format!("{long}\n")).unwrap();
    let out = verify(&zip, &["--password-file", pw.to_str().unwrap()], &[]);
    assert_eq!(out.code, 0, "{out}");
}

// ---------------------------------------------------------------- 6. terminal

#[test]
fn verify_text_report_shows_escapes_instead_of_sending_them() {
    let dir = tempfile::tempdir().unwrap();
    // A name that would erase the line above and print a fake success:
    // refused, and the refusal shows it escaped.
    let fake = "x\r\x1b[2K\x1b[1Amanifest.json と一致しました（1 ファイル）";
    let mut entries = listed_zip(&[("a.txt", b"hi")]);
    entries.push(RawEntry::stored(fake, b"x"));
    let zip = write_zip(dir.path(), "esc.zip", &entries);
    let out = verify(&zip, &[], &[]);
    refused(&out, &["x\\r\\x1b[2K\\x1b[1A"]);
    assert!(
        !out.stderr.contains('\x1b') && !out.stderr.contains('\r'),
        "{out}"
    );
    // Names that pass (a right-to-left override is not refused) are shown
    // escaped in the added and missing lines.
    let added = "evil\u{202e}fdp.exe";
    let missing = "gone\u{202e}txt.exe";
    let mut entries = vec![RawEntry::stored(
        "manifest.json",
        &manifest_json(&[
            ("a.txt".into(), 2, sha256_hex(b"hi")),
            (missing.into(), 1, sha256_hex(b"x")),
        ]),
    )];
    entries.push(RawEntry::stored("a.txt", b"hi"));
    entries.push(RawEntry::stored(added, b"x"));
    let zip = write_zip(dir.path(), "bidi.zip", &entries);
    let out = verify(&zip, &[], &[]);
    assert_eq!(out.code, 1, "{out}");
    assert!(out.stdout.contains("追加: evil\\u{202e}fdp.exe"), "{out}");
    assert!(out.stdout.contains("欠落: gone\\u{202e}txt.exe"), "{out}");
    assert!(!out.stdout.contains('\u{202e}'), "{out}");
    assert!(out.stdout.contains("一致しません"), "{out}");
    // JSON keeps the names as they are (serde escapes what JSON needs).
    let out = verify(&zip, &["--format", "json"], &[]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["added"], serde_json::json!([added]));
    assert_eq!(v["missing"], serde_json::json!([missing]));
}

// ---------------------------------------------------------------- messages

#[test]
fn verify_errors_are_japanese_by_default_and_english_with_lang_en() {
    let dir = tempfile::tempdir().unwrap();
    let zip = write_zip(
        dir.path(),
        "nomanifest.zip",
        &[RawEntry::stored("a.txt", b"hi")],
    );
    let out = verify(&zip, &[], &[]);
    refused(&out, &["nomanifest.zip", "manifest.json がありません"]);
    let out = verify(&zip, &["--lang", "en"], &[]);
    refused(&out, &["nomanifest.zip", "no manifest.json"]);
    let bad = write_zip(
        dir.path(),
        "badmanifest.zip",
        &[RawEntry::stored("manifest.json", b"{")],
    );
    let out = verify(&bad, &[], &[]);
    refused(
        &out,
        &["badmanifest.zip", "manifest.json が正しくありません"],
    );
    let notzip = dir.path().join("notzip.zip");
    std::fs::write(&notzip, b"hello").unwrap();
    let out = verify(&notzip, &[], &[]);
    refused(&out, &["notzip.zip", "zip として読めません"]);
    let out = verify(&dir.path().join("absent.zip"), &[], &[]);
    refused(&out, &["absent.zip", "開けません"]);
}
