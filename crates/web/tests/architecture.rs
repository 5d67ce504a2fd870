//! No import cycle between the top-level modules of `dui-web` (docs/architecture.md).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../store/tests/imports/mod.rs"]
mod imports;

#[test]
fn no_import_cycle_between_top_level_modules() {
    imports::assert_no_cycles(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
}
