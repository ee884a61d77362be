//! Checklist answers (`content/checklist.yaml`): for each item of the
//! checklist an answer (はい / いいえ / 該当無), the evidence behind a はい,
//! the remediation plan of a いいえ and the reason of a 該当無.

use serde::{Deserialize, Deserializer, Serialize};

use crate::date::Date;
use crate::diag::Location;
use crate::tr;

/// The three answers of the municipality's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum AnswerValue {
    /// はい.
    Yes,
    /// いいえ.
    No,
    /// 該当無.
    NotApplicable,
}

impl AnswerValue {
    /// The answer as printed on the form.
    pub fn label(self) -> &'static str {
        match self {
            AnswerValue::Yes => "はい",
            AnswerValue::No => "いいえ",
            AnswerValue::NotApplicable => "該当無",
        }
    }

    /// The answer in both languages (はい / yes ...).
    pub fn text(self) -> crate::i18n::Text {
        let en = match self {
            AnswerValue::Yes => "yes",
            AnswerValue::No => "no",
            AnswerValue::NotApplicable => "n/a",
        };
        crate::i18n::Text::new(self.label(), en)
    }

    /// Parses はい / いいえ / 該当無 or yes / no / na; strict otherwise.
    pub fn parse(text: &str) -> Option<AnswerValue> {
        match text.trim() {
            "はい" | "yes" => Some(AnswerValue::Yes),
            "いいえ" | "no" => Some(AnswerValue::No),
            "該当無" | "該当なし" | "na" => Some(AnswerValue::NotApplicable),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for AnswerValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Booleans arrive as such: `answer: yes` is text in YAML 1.2 but
        // `answer: true` is not an answer.
        let v = serde_yaml::Value::deserialize(d)?;
        let text = v.as_str().unwrap_or_default();
        AnswerValue::parse(text).ok_or_else(|| {
            let shown = match &v {
                serde_yaml::Value::String(s) => s.clone(),
                other => serde_yaml::to_string(other)
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            };
            crate::yaml::text_error(tr!(
                "回答「{}」は使えません。はい・いいえ・該当無（yes・no・na）のいずれかです",
                "answer '{}' is invalid; use はい, いいえ or 該当無 (yes, no, na)";
                shown
            ))
        })
    }
}

/// A reference to evidence as written, with its position.
#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    /// `doc-id`, `doc-id#section`, `ledger-id`, `ledger-id#entry` or a
    /// content file path.
    pub target: String,
    /// Where it is written.
    pub location: Location,
}

/// The remediation plan of a いいえ.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    /// What will be done.
    pub plan: String,
    /// Who is responsible (staff id).
    pub owner: String,
    /// By when; must be on or before the work start date.
    pub due: Date,
    /// When the measure was put in place, if it was.
    #[serde(default)]
    pub completed: Option<Date>,
}

/// One answer, as parsed.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    /// Checklist item id (`2-1`).
    pub item: String,
    /// The answer.
    pub value: AnswerValue,
    /// Evidence references.
    pub evidence: Vec<Reference>,
    /// Remediation plan (いいえ).
    pub remediation: Option<Remediation>,
    /// Reason (該当無).
    pub reason: Option<String>,
    /// Free note.
    pub note: Option<String>,
    /// Position of the entry.
    pub location: Location,
    /// Position of the `answer` value.
    pub answer_location: Location,
    /// Position of the `remediation` key, if any.
    pub remediation_location: Option<Location>,
    /// The last confirmation, if any.
    pub confirmed: Option<Confirmed>,
    /// Position of the `confirmed` key, if any.
    pub confirmed_location: Option<Location>,
    /// Position of the `reason` value, if any.
    pub reason_location: Option<Location>,
    /// Position of the `note` value, if any.
    pub note_location: Option<Location>,
    /// Position of the remediation's `plan` value, if any.
    pub plan_location: Option<Location>,
}

/// The raw YAML shape of one answer entry.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerEntry {
    /// Checklist item id.
    pub item: String,
    /// The answer.
    pub answer: AnswerValue,
    /// Evidence references.
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Remediation plan.
    #[serde(default)]
    pub remediation: Option<Remediation>,
    /// Reason for 該当無.
    #[serde(default)]
    pub reason: Option<String>,
    /// Note.
    #[serde(default)]
    pub note: Option<String>,
    /// When the evidence was last confirmed, and its fingerprint then.
    #[serde(default)]
    pub confirmed: Option<Confirmed>,
}

/// A confirmation of an answer's evidence (`anzen confirm`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Confirmed {
    /// The date it was confirmed.
    pub date: Date,
    /// The fingerprint of the cited document sections then.
    pub fingerprint: String,
}

/// The answers file.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Answers {
    /// Path relative to the project root.
    pub file: String,
    /// Answers that parsed, in file order.
    pub answers: Vec<Answer>,
}
