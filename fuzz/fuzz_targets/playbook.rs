#![no_main]
//! See `incident_cockpit::fuzz_entry::playbook` for what the bytes go through.

libfuzzer_sys::fuzz_target!(|data: &[u8]| incident_cockpit::fuzz_entry::playbook(data));
