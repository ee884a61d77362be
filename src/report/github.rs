//! Findings as GitHub Actions workflow commands (`::error file=…,line=…::…`),
//! so CI annotates the exact lines of a pull request.

use crate::diag::{Finding, Severity};
use crate::i18n::Lang;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One workflow command per finding.
pub fn annotations(findings: &[Finding], lang: Lang) -> String {
    let mut out = String::new();
    for f in findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(loc) = &f.location {
            props.push(format!("file={}", escape_property(&loc.file)));
            if loc.line > 0 {
                props.push(format!("line={}", loc.line));
            }
            if loc.column > 0 {
                props.push(format!("col={}", loc.column));
            }
        }
        props.push(format!("title={}", escape_property(&f.rule)));
        let mut message = f.message.get(lang).to_string();
        if let Some(h) = &f.hint {
            message.push('\n');
            message.push_str(h.get(lang));
        }
        out.push_str(&format!(
            "::{level} {}::{}\n",
            props.join(","),
            escape_data(&message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Location;
    use crate::tr;

    #[test]
    fn commands_carry_file_line_and_escape_newlines() {
        let f = Finding::error("answer.missing", tr!("a,b: 100%", "x"))
            .at(Location::new("content/a b.yaml", 3, 5))
            .hint(tr!("ヒント", "hint"));
        assert_eq!(
            annotations(&[f], Lang::Ja),
            "::error file=content/a b.yaml,line=3,col=5,title=answer.missing::a,b: 100%25%0Aヒント\n"
        );
    }
}
