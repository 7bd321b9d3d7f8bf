//! The post-mortem as a machine-readable JSON document: the same facts as
//! the markdown (`Facts`), metrics in seconds, instants in UTC as the
//! timeline writes them, and the records exactly as they are in the
//! timeline. Its top-level fields are listed in the README.

use super::Facts;

/// The document, pretty-printed, with a final newline; control and bidi
/// characters in its text are `\u` escapes, as in the timeline.
pub fn render(f: &Facts) -> String {
    let mut s = crate::sanitize::json::to_string_pretty(f).expect("the facts serialise");
    s.push('\n');
    s
}
