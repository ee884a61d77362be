//! `cargo fuzz run ledger`: see anzen_fuzz::ledger for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| anzen_fuzz::ledger(data));
