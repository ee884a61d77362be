//! The phases of a contract: before work starts, while it runs, after it
//! ends. The as-of date and the contract's dates decide which one a check
//! is made in.

use serde::{Deserialize, Serialize};

use crate::date::Date;

/// The phases of a contract a check is made in, from the as-of date and
/// the contract's dates: before work starts (着手前, the pre-work
/// submission), while the work runs (履行中), and after the contract ends
/// (終了後: deletion and return, retention).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Before `contract.work_start`.
    BeforeWork,
    /// From `work_start` to `contract.end`.
    InProgress,
    /// After `contract.end`.
    AfterEnd,
}

impl Phase {
    /// Every phase, in order.
    pub const ALL: [Phase; 3] = [Phase::BeforeWork, Phase::InProgress, Phase::AfterEnd];

    /// The phase of a contract on `as_of`.
    pub fn on(as_of: Date, work_start: Date, end: Date) -> Phase {
        if as_of < work_start {
            Phase::BeforeWork
        } else if as_of > end {
            Phase::AfterEnd
        } else {
            Phase::InProgress
        }
    }

    /// How a check made in this phase says so (`業務着手前として検査`).
    pub fn checked_as(self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            Phase::BeforeWork => Text::new("業務着手前として検査", "checked as before work starts"),
            Phase::InProgress => Text::new("履行中として検査", "checked as work in progress"),
            Phase::AfterEnd => {
                Text::new("契約終了後として検査", "checked as after the contract ends")
            }
        }
    }

    /// The name shown to people.
    pub fn label(self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            Phase::BeforeWork => Text::new("着手前", "before work starts"),
            Phase::InProgress => Text::new("履行中", "in progress"),
            Phase::AfterEnd => Text::new("終了後", "after the contract ends"),
        }
    }
}
