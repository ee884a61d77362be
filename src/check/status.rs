//! Requirement status for dashboards: 充足 (satisfied), 要対応 (needs
//! attention: warnings, or a いいえ answer on a related item), 不足
//! (lacking: an error finding). A finding on a checklist item counts for
//! the requirements the item maps to; a section counts its sub-items.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diag::{Finding, Severity};
use crate::model::{AnswerValue, Project};
use crate::standard::Standard;

/// The status of one requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 充足.
    Satisfied,
    /// 要対応.
    Attention,
    /// 不足.
    Lacking,
}

impl Status {
    /// Japanese label.
    pub fn label(self) -> &'static str {
        match self {
            Status::Satisfied => "充足",
            Status::Attention => "要対応",
            Status::Lacking => "不足",
        }
    }
}

impl Status {
    /// The label in both languages.
    pub fn text(self) -> crate::i18n::Text {
        let en = match self {
            Status::Satisfied => "satisfied",
            Status::Attention => "needs attention",
            Status::Lacking => "lacking",
        };
        crate::i18n::Text::new(self.label(), en)
    }
}

/// Status of every requirement, by id.
pub fn statuses(
    project: &Project,
    standard: &Standard,
    findings: &[Finding],
) -> BTreeMap<String, Status> {
    let mut own: BTreeMap<String, Status> = standard
        .requirements
        .iter()
        .map(|r| (r.id.clone(), Status::Satisfied))
        .collect();
    let mut raise = |id: &str, s: Status| {
        if let Some(cur) = own.get_mut(id) {
            *cur = (*cur).max(s);
        }
    };
    for f in findings {
        let s = if f.severity == Severity::Error {
            Status::Lacking
        } else {
            Status::Attention
        };
        if let Some(r) = &f.requirement {
            raise(r, s);
        }
        if let Some(item) = f.item.as_ref().and_then(|i| standard.item(i)) {
            for r in &item.requirements {
                raise(r, s);
            }
        }
    }
    if let Some(answers) = &project.answers {
        for a in answers
            .answers
            .iter()
            .filter(|a| a.value == AnswerValue::No)
        {
            let done = a
                .remediation
                .as_ref()
                .is_some_and(|r| r.completed.is_some());
            if let (false, Some(item)) = (done, standard.item(&a.item)) {
                for r in &item.requirements {
                    raise(r, Status::Attention);
                }
            }
        }
    }
    // A section is as bad as its worst sub-item.
    let mut total = own.clone();
    for r in &standard.requirements {
        if let Some(p) = &r.parent {
            let child = own[&r.id];
            if let Some(parent) = total.get_mut(p) {
                *parent = (*parent).max(child);
            }
        }
    }
    total
}
