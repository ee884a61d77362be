//! `cargo fuzz run markup`: see anzen_fuzz::markup for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| anzen_fuzz::markup(data));
