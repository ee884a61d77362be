//! The rows of a ledger's table on its page, written directly rather than
//! through the template engine: a ledger can hold tens of thousands of
//! rows, and turning each into template values and walking them took a
//! third of a 3,000-document build. The markup is the one the default
//! theme's `ledger.html` loop wrote (the template now places this text as
//! `ledger.table_rows`), escaped as tera escapes; the findings under a
//! flagged row still come from the theme's `findings` macro.

use crate::view::pages::{LedgerRow, LedgerView};
use crate::view::theme::{ROW_FINDINGS_TEMPLATE, Theme};

use super::SiteError;

/// The rows of `view` as its page's table body, links made relative with
/// `root`.
pub fn table_rows(view: &LedgerView, root: &str, theme: &Theme) -> Result<String, SiteError> {
    let mut out = String::with_capacity(view.rows.len() * 64 * (view.columns.len() + 1));
    for row in &view.rows {
        push_row(&mut out, row, root);
        if !row.findings.is_empty() {
            out.push_str("<tr class=\"row-findings\"><td colspan=\"");
            out.push_str(&view.columns.len().to_string());
            out.push_str("\">");
            out.push_str(&row_findings(row, root, theme)?);
            out.push_str("</td></tr>");
        }
        out.push('\n');
    }
    Ok(out)
}

/// One row and its cells.
fn push_row(out: &mut String, row: &LedgerRow, root: &str) {
    out.push_str("\n<tr id=\"");
    escape_into(out, &row.anchor);
    out.push('"');
    if !row.findings.is_empty() {
        out.push_str(" class=\"flagged\"");
    }
    out.push_str(">\n");
    for cell in &row.cells {
        out.push_str("<td class=\"");
        out.push_str(cell.wrap.class());
        out.push_str("\">");
        match cell.url.as_deref().filter(|u| !u.is_empty()) {
            Some(url) => {
                out.push_str("<a href=\"");
                escape_into(out, root);
                escape_into(out, url);
                out.push_str("\">");
                escape_into(out, &cell.text);
                out.push_str("</a>");
            }
            None => escape_into(out, &cell.text),
        }
        out.push_str("</td>");
    }
    out.push_str("\n</tr>\n");
}

/// The theme's `findings` macro on one row's findings.
fn row_findings(row: &LedgerRow, root: &str, theme: &Theme) -> Result<String, SiteError> {
    let mut c = tera::Context::new();
    c.insert("list", &row.findings);
    c.insert("root", root);
    theme
        .tera
        .render(ROW_FINDINGS_TEMPLATE, &c)
        .map_err(|e| SiteError::Render {
            template: "macros.html".into(),
            message: crate::view::theme::error_chain(&e),
        })
}

/// Escapes as tera's autoescape does (`& < > " ' /`).
fn escape_into(out: &mut String, s: &str) {
    if !s.contains(['&', '<', '>', '"', '\'', '/']) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '/' => out.push_str("&#x2F;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::escape_into;

    #[test]
    fn escapes_as_the_template_engine_does() {
        for s in ["a&b<c>d\"e'f/g", "平文", "", "/x/"] {
            let mut mine = String::new();
            escape_into(&mut mine, s);
            assert_eq!(mine, tera::escape_html(s), "{s:?}");
        }
    }
}
