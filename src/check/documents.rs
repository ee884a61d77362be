//! Documents: approved, within their review date, and claiming only
//! requirements and sections that exist.

use super::Context;
use crate::diag::Finding;
use crate::tr;

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let as_of = cx.project.as_of;
    let req_ids: Vec<String> = cx
        .standard
        .requirements
        .iter()
        .map(|r| r.id.clone())
        .collect();
    for doc in &cx.project.documents {
        let m = &doc.meta;
        match &m.approval {
            None => out.push(
                Finding::error("document.unapproved", tr!("文書「{}」が承認されていません", "document '{}' is not approved"; m.title))
                    .at(doc.at(doc.approval_line))
                    .hint(tr!(
                        "フロントマターに approval: {{approver: 承認者, date: YYYY-MM-DD}} を書いてください",
                        "add approval: {{approver: ..., date: YYYY-MM-DD}} to the front matter"
                    )),
            ),
            Some(a) if a.date > as_of => out.push(
                Finding::error(
                    "document.unapproved",
                    tr!("文書「{}」の承認日 {} が基準日 {} より後です", "document '{}' is approved on {}, after the as-of date {}"; m.title, a.date, as_of),
                )
                .at(doc.at(doc.approval_line)),
            ),
            Some(_) => {}
        }
        if let (Some(change), Some(a)) = (&doc.edited_after_approval, &m.approval) {
            out.push(
                Finding::warning(
                    "document.approved-before-edited",
                    tr!(
                        "文書「{}」は承認日 {} の後に本文が変更されています（{} {}「{}」）",
                        "document '{}' was approved on {} but its body changed afterwards ({} {} \"{}\")";
                        m.title, a.date, change.date, change.short, change.summary
                    ),
                )
                .at(doc.at(doc.approval_line))
                .hint(tr!(
                    "変更を承認し直し、approval の日付（と版数）を更新してください",
                    "have the change approved and update approval (and version)"
                )),
            );
        }
        match m.review_by {
            None => out.push(
                Finding::warning("document.no-review-date", tr!("文書「{}」に次回見直し日がありません", "document '{}' has no review date"; m.title))
                    .at(doc.at(doc.review_line))
                    .hint(tr!("review_by: YYYY-MM-DD を書いてください", "add review_by: YYYY-MM-DD")),
            ),
            Some(r) if r < as_of => out.push(
                Finding::error(
                    "document.review-overdue",
                    tr!("文書「{}」の見直し期限 {} を過ぎています", "document '{}' was due for review on {}"; m.title, r),
                )
                .at(doc.at(doc.review_line))
                .hint(tr!("見直して版数・承認日・次回見直し日を更新してください", "review it and update version, approval and review_by")),
            ),
            Some(_) => {}
        }
        for (i, s) in m.satisfies.iter().enumerate() {
            let line = doc.satisfies_lines.get(i).copied().unwrap_or(doc.id_line);
            if cx.standard.requirement(&s.requirement).is_none() {
                let hint = crate::yaml::did_you_mean(&s.requirement, &req_ids)
                    .map(|c| tr!("「{}」の誤りではありませんか", "did you mean '{}'?"; c))
                    .unwrap_or_else(|| {
                        tr!(
                            "`anzen standard` で要件 ID を確認してください",
                            "see `anzen standard` for requirement ids"
                        )
                    });
                out.push(
                    Finding::error("document.unknown-requirement", tr!("要件「{}」は基準にありません", "the standard has no requirement '{}'"; s.requirement))
                        .at(doc.at(line))
                        .hint(hint),
                );
            }
            if let Some(sec) = &s.section
                && doc.section(sec).is_none()
            {
                let ids: Vec<String> = doc.sections.iter().map(|s| s.id.clone()).collect();
                let hint = crate::yaml::did_you_mean(sec, &ids)
                        .map(|c| tr!("「{}」の誤りではありませんか", "did you mean '{}'?"; c))
                        .unwrap_or_else(|| tr!("見出しに {{#{}}} を付けてください", "add {{#{}}} to a heading"; sec));
                out.push(
                        Finding::error(
                            "document.section-missing",
                            tr!("見出し ID「{}」がこの文書にありません", "this document has no heading id '{}'"; sec),
                        )
                        .at(doc.at(line))
                        .requirement(&s.requirement)
                        .hint(hint),
                    );
            }
        }
    }
}
