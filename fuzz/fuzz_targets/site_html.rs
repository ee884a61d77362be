//! `cargo fuzz run site_html`: see anzen_fuzz::site_html for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| anzen_fuzz::site_html(data));
