//! Re-emits a parsed file as configuration text.

use crate::ast::{Directive, ParsedFile};

/// Prints a file's statements, one per line, blocks indented. Each word is
/// written as it was in the source (quotes and escapes kept), so parsing the
/// output gives the same statements.
pub fn print_file(file: &ParsedFile) -> Vec<u8> {
    let mut out = Vec::new();
    // Explicit stack of (directives, next index, depth): no recursion.
    let mut stack: Vec<(&[Directive], usize)> = vec![(&file.directives, 0)];
    while let Some((dirs, idx)) = stack.last_mut() {
        let Some(d) = dirs.get(*idx) else {
            stack.pop();
            if !stack.is_empty() {
                out.extend(std::iter::repeat_n(b' ', (stack.len() - 1) * 4));
                out.extend_from_slice(b"}\n");
            }
            continue;
        };
        *idx += 1;
        let depth = stack.len() - 1;
        out.extend(std::iter::repeat_n(b' ', depth * 4));
        out.extend_from_slice(file.slice(d.name.span));
        for arg in &d.args {
            out.push(b' ');
            out.extend_from_slice(file.slice(arg.span));
        }
        match &d.block {
            Some(block) => {
                out.extend_from_slice(b" {\n");
                stack.push((&block.directives, 0));
            }
            None => out.extend_from_slice(b";\n"),
        }
    }
    out
}
