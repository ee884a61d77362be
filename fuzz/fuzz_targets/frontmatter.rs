//! `cargo fuzz run frontmatter`: see anzen_fuzz::frontmatter for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| anzen_fuzz::frontmatter(data));
