//! Evidence files as attachment pages of the combined PDF: which files
//! typst can place as pages (PDF, raster images and SVG) and how many pages a
//! PDF has, read from its page tree without a PDF library.

use std::io::Read;

/// How an attachment goes into the bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Every page of a PDF, as images.
    Pdf(usize),
    /// One page holding the image.
    Image,
    /// Listed by name and SHA-256 only.
    Listed,
}

/// The largest number of pages placed from one file; a longer one is
/// listed instead.
pub const MAX_PAGES: usize = 200;

/// The extension typst reads an image file by, lower case, or `None`.
fn image_extension(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    ["png", "jpg", "jpeg", "gif", "webp", "svg"]
        .into_iter()
        .find(|e| lower.ends_with(&format!(".{e}")))
}

/// How `bytes`, named `name`, can be attached, and the extension its copy
/// in the work folder gets.
pub fn placement(name: &str, bytes: &[u8]) -> (Placement, &'static str) {
    if bytes.starts_with(b"%PDF-") {
        return match page_count(bytes) {
            Some(n) if n <= MAX_PAGES => (Placement::Pdf(n), "pdf"),
            _ => (Placement::Listed, "bin"),
        };
    }
    let magic_ok = |ext: &str| match ext {
        "png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "jpg" | "jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "gif" => bytes.starts_with(b"GIF8"),
        "webp" => bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP",
        "svg" => is_svg(bytes),
        _ => false,
    };
    match image_extension(name) {
        Some(ext) if magic_ok(ext) => (Placement::Image, ext),
        _ => (Placement::Listed, "bin"),
    }
}

/// Whether `bytes` look like an SVG image: markup (after an optional
/// byte-order mark and white space) with an `<svg` element in its first
/// 4 KiB.
fn is_svg(bytes: &[u8]) -> bool {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = text.iter().position(|c| !c.is_ascii_whitespace());
    if start.is_none_or(|i| text[i] != b'<') {
        return false;
    }
    find(&text[..text.len().min(4096)], b"<svg").is_some()
}

/// The number of pages of a PDF: the largest `/Count` of a `/Type /Pages`
/// dictionary (the root of the page tree), in the file or in its
/// compressed object streams; failing that, the number of `/Type /Page`
/// objects. `None` when neither is found.
pub fn page_count(bytes: &[u8]) -> Option<usize> {
    let mut counts = Vec::new();
    let mut pages = 0;
    scan(bytes, &mut counts, &mut pages);
    for stream in inflated_streams(bytes) {
        scan(&stream, &mut counts, &mut pages);
    }
    counts.into_iter().max().or((pages > 0).then_some(pages))
}

/// Records the `/Count` of every `/Type /Pages` dictionary and counts the
/// `/Type /Page` objects of `data`.
fn scan(data: &[u8], counts: &mut Vec<usize>, pages: &mut usize) {
    let mut at = 0;
    while let Some(i) = find(&data[at..], b"/Type") {
        let start = at + i;
        let mut j = start + 5;
        while j < data.len() && data[j].is_ascii_whitespace() {
            j += 1;
        }
        at = start + 5;
        if !data[j..].starts_with(b"/Page") {
            continue;
        }
        let after = data.get(j + 5).copied();
        if after == Some(b's') && !data.get(j + 6).is_some_and(u8::is_ascii_alphanumeric) {
            // The dictionary around it: back to its `<<`, on to its `>>`.
            let open = rfind(&data[..start], b"<<").unwrap_or(0);
            let close = find(&data[j..], b">>").map_or(data.len(), |k| j + k);
            if let Some(n) = count_in(&data[open..close]) {
                counts.push(n);
            }
        } else if !after.is_some_and(|c| c.is_ascii_alphanumeric()) {
            *pages += 1;
        }
    }
}

/// The number after `/Count` in `dict`.
fn count_in(dict: &[u8]) -> Option<usize> {
    let i = find(dict, b"/Count")? + 6;
    let digits: String = dict[i..]
        .iter()
        .skip_while(|c| c.is_ascii_whitespace())
        .take_while(|c| c.is_ascii_digit())
        .map(|&c| char::from(c))
        .collect();
    digits.parse().ok()
}

/// Each zlib stream of the file, inflated (at most 16 MiB each, 64 in all:
/// a page tree is small, and a hostile file must not fill memory).
fn inflated_streams(bytes: &[u8]) -> Vec<Vec<u8>> {
    const MAX_OUT: u64 = 16 << 20;
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = find(&bytes[at..], b"stream") {
        let mut s = at + i + 6;
        at = s;
        // `endstream` contains `stream`: only a keyword followed by EOL starts one.
        if bytes[..s - 6].ends_with(b"end") {
            continue;
        }
        if bytes.get(s) == Some(&b'\r') {
            s += 1;
        }
        if bytes.get(s) != Some(&b'\n') {
            continue;
        }
        s += 1;
        if bytes.get(s) != Some(&0x78) {
            continue;
        }
        let end = find(&bytes[s..], b"endstream").map_or(bytes.len(), |k| s + k);
        let mut data = Vec::new();
        let _ = flate2::read::ZlibDecoder::new(&bytes[s..end])
            .take(MAX_OUT)
            .read_to_end(&mut data);
        if find(&data, b"/Type").is_some() {
            out.push(data);
        }
        at = end;
        if out.len() >= 64 {
            break;
        }
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::rfind(hay, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_count_of_a_plain_page_tree_is_the_page_count() {
        let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
            2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 >> endobj\n\
            3 0 obj << /Type /Page /Parent 2 0 R >> endobj\n\
            4 0 obj << /Type/Page /Parent 2 0 R >> endobj\n\
            5 0 obj << /Type /Page /Parent 2 0 R >> endobj\n\
            6 0 obj << /Type /Outlines /Count 9 >> endobj\n";
        assert_eq!(page_count(pdf), Some(3));
    }

    #[test]
    fn pages_are_counted_when_the_tree_has_no_count() {
        let pdf = b"%PDF-1.4\n3 0 obj << /Type /Page >> endobj\n4 0 obj << /Type /Page >> endobj";
        assert_eq!(page_count(pdf), Some(2));
    }

    #[test]
    fn a_page_tree_inside_an_object_stream_is_found() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> << /Type /Page >>")
            .unwrap();
        let mut pdf =
            b"%PDF-1.7\n7 0 obj << /Type /ObjStm /Filter /FlateDecode >>\nstream\n".to_vec();
        pdf.extend(z.finish().unwrap());
        pdf.extend(b"\nendstream\nendobj\n");
        assert_eq!(page_count(&pdf), Some(2));
    }

    #[test]
    fn a_file_without_pages_is_listed_and_images_need_their_magic() {
        assert_eq!(placement("x.pdf", b"%PDF-1.7 nothing").0, Placement::Listed);
        assert_eq!(placement("x.png", b"not a png").0, Placement::Listed);
        assert_eq!(
            placement("x.PNG", b"\x89PNG\r\n\x1a\nrest").0,
            Placement::Image
        );
        assert_eq!(placement("x.docx", b"PK\x03\x04").0, Placement::Listed);
        let svg =
            b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        assert_eq!(placement("x.svg", svg), (Placement::Image, "svg"));
        assert_eq!(placement("x.svg", b"just text <svg").0, Placement::Listed);
    }
}
