//! `cargo fuzz run fast_yaml`: see anzen_fuzz::fast_yaml for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| anzen_fuzz::fast_yaml(data));
