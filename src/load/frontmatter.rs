//! Splitting a Markdown file into its YAML front matter (between `---`
//! lines at the very top) and its body, keeping line numbers.

/// A split Markdown file.
#[derive(Debug, PartialEq)]
pub struct Split<'a> {
    /// The YAML between the fences.
    pub yaml: &'a str,
    /// Line (1-based) of the first YAML line.
    pub yaml_line: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// Line (1-based) where the body starts.
    pub body_line: usize,
}

/// Why a file could not be split.
#[derive(Debug, PartialEq)]
pub enum SplitError {
    /// The file does not start with `---`.
    Missing,
    /// No closing `---` (or `...`) line.
    Unclosed,
}

/// Splits front matter off `text` (already BOM-stripped, LF line endings).
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Err(SplitError::Missing);
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut pos = yaml_start;
    let mut line = 2;
    while pos < text.len() {
        let end = text[pos..]
            .find('\n')
            .map(|i| pos + i)
            .unwrap_or(text.len());
        let l = text[pos..end].trim_end();
        if l == "---" || l == "..." {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                yaml: &text[yaml_start..pos],
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line + 1,
            });
        }
        pos = end + 1;
        line += 1;
    }
    Err(SplitError::Unclosed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_counts_lines() {
        let s = split("---\nid: a\ntitle: b\n---\n# H\n").unwrap();
        assert_eq!(s.yaml, "id: a\ntitle: b\n");
        assert_eq!(s.body, "# H\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn missing_and_unclosed_are_told_apart() {
        assert_eq!(split("# no front matter\n"), Err(SplitError::Missing));
        assert_eq!(split("---\nid: a\n# H\n"), Err(SplitError::Unclosed));
    }

    #[test]
    fn empty_front_matter_is_allowed_to_split() {
        let s = split("---\n---\nbody").unwrap();
        assert_eq!(s.yaml, "");
        assert_eq!(s.body, "body");
    }
}
