//! The structure reader and the query front end on random input: never a panic, always an
//! answer in bounded time, and the reader's invariants hold on whatever it is given.

use proptest::prelude::*;

use plansearch::passage::split;
use plansearch::query::{Filters, parse, search};
use plansearch::read::{decode, split_lines};
use plansearch::structure::analyse;

use crate::util::bundled_index;

/// Reads text as a plan and checks what must hold for any input.
fn read_and_check(text: &str) -> Result<(), TestCaseError> {
    let lines = split_lines(text);
    let s = analyse(&lines, "random.txt");
    let passages = split(&s);
    let outline = s.outline();
    for p in &passages {
        prop_assert!(
            p.line_start >= 1 && p.line_start <= p.line_end && p.line_end as usize <= lines.len()
        );
        prop_assert!(!p.text.is_empty());
        prop_assert!(p.line_map.windows(2).all(|w| w[0].0 <= w[1].0));
        let n = p.text.chars().count() as u32;
        prop_assert!(
            p.line_map
                .iter()
                .all(|&(o, l)| o <= n && l >= p.line_start && l <= p.line_end)
        );
    }
    for c in &outline.chapters {
        prop_assert!(c.line >= 1 && c.line <= lines.len());
    }
    Ok(())
}

/// Fragments plans are made of, and the noise converters add.
const FRAGMENTS: [&str; 40] = [
    "第一章 总则",
    "第二章",
    "第十二章 ",
    "第三节 目标",
    "第ハ章",
    "第一节",
    "一、",
    "二、",
    "—,",
    "=,",
    "（一）",
    "(-)",
    "1. ",
    "（2）",
    "专栏 4-1",
    "专栏",
    "5-2",
    " (",
    "(",
    ")",
    "[bookmark: _bookmark3]",
    "[bookmark: 第五章]",
    "#### ",
    "**",
    "<sup>1</sup>",
    "¹",
    "目 录",
    "\t",
    ".....12",
    "图1 ",
    "表 2",
    "注：",
    "前 言",
    "名词解释",
    "。",
    "，",
    "推进营商环境优化",
    "5G",
    "\u{3000}",
    "- ",
];

fn plan_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::collection::vec(prop::sample::select(&FRAGMENTS[..]), 0..6),
        0..80,
    )
    .prop_map(|lines| {
        lines
            .into_iter()
            .map(|l| l.concat())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_reader_survives_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..6000)) {
        if let Ok(d) = decode(&bytes, None) {
            read_and_check(&d.text)?;
        }
    }

    #[test]
    fn the_reader_survives_random_text(text in "\\PC{0,400}") {
        read_and_check(&text)?;
    }

    #[test]
    fn the_reader_survives_plan_like_fragments(text in plan_like()) {
        read_and_check(&text)?;
    }

    #[test]
    fn the_query_front_end_survives_random_strings(q in "\\PC{0,40}|[\"()*:^~ OR\\-]{0,30}") {
        if let Ok(query) = parse(&q) {
            let r = search(bundled_index(), &query, &Filters::default(), 5);
            prop_assert!(r.is_ok(), "{q:?}: {:?}", r.err());
            for h in r.unwrap().hits {
                prop_assert!(h.highlights.iter().all(|&(s, e)| s < e && e <= h.passage.text.chars().count()));
            }
        }
    }
}
