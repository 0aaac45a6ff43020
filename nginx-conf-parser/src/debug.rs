//! A readable dump of what was parsed and from which file (`nginx-fpm-lint dump-tree`).

use std::fmt::Write;

use lint_source::SourceMap;

use crate::config::{Config, Items};

/// One line per statement, indented by block depth, with `file:line` of each;
/// included files are shown spliced where nginx reads them.
pub fn debug_tree(config: &Config, map: &SourceMap) -> String {
    let mut out = String::new();
    let mut stack: Vec<Items<'_>> = vec![config.items()];
    while let Some(items) = stack.last_mut() {
        let Some(item) = items.next() else {
            stack.pop();
            continue;
        };
        let depth = stack.len() - 1;
        let file = map.get(item.file.id);
        let at = file.line_col(item.directive.span.start);
        let mut line = item.name().into_owned();
        for arg in item.args() {
            line.push(' ');
            line.push_str(&arg);
        }
        let _ = writeln!(
            out,
            "{:indent$}{line}{}    # {}:{}",
            "",
            if item.is_block() { " {" } else { ";" },
            file.path.display(),
            at.line,
            indent = depth * 4
        );
        if item.is_block() {
            stack.push(item.children());
        }
    }
    out
}
