//! What serve prints: the findings of each rebuild, all of them the first
//! time and then only the new ones and a count of those resolved.

use std::collections::HashSet;

use crate::diag::Finding;
use crate::i18n::Lang;
use crate::report::human;
use crate::tr;

/// Every finding the first time, then only the new and fixed ones;
/// `printed` remembers what was printed.
pub(super) fn findings_text(
    printed: &mut Option<HashSet<String>>,
    findings: &[Finding],
    lang: Lang,
) -> String {
    let key = |f: &Finding| serde_json::to_string(f).unwrap_or_default();
    let now: HashSet<String> = findings.iter().map(key).collect();
    let text = match printed.as_ref() {
        None => human::findings(findings, lang),
        Some(before) => {
            let new: Vec<Finding> = findings
                .iter()
                .filter(|f| !before.contains(&key(f)))
                .cloned()
                .collect();
            let mut text = human::findings(&new, lang);
            let fixed = before.iter().filter(|k| !now.contains(*k)).count();
            if fixed > 0 {
                text.push_str(tr!("解消: {} 件\n", "resolved: {}\n"; fixed).get(lang));
            }
            text
        }
    };
    *printed = Some(now);
    text
}
