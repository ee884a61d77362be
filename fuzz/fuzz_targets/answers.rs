//! `cargo fuzz run answers`: see anzen_fuzz::answers for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| anzen_fuzz::answers(data));
