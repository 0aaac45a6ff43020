//! Properties over generated input: any bytes parse without panicking, and
//! printing a parsed tree and parsing it again gives the same statements.

use std::sync::Arc;

use lint_source::FileId;
use nginx_conf_parser::{parse_file, print_file, Directive, ParsedFile};
use proptest::prelude::*;

/// Statements as (name, args, children) with quoting kept, spans dropped.
/// (name, args, number of children) of one statement.
type Shape = (Vec<u8>, Vec<Vec<u8>>, Option<usize>);

fn shape(file: &ParsedFile, dirs: &[Directive]) -> Vec<Shape> {
    let mut out = Vec::new();
    let mut stack: Vec<&[Directive]> = vec![dirs];
    while let Some(level) = stack.pop() {
        for d in level {
            out.push((
                file.bytes(&d.name).to_vec(),
                d.args.iter().map(|a| file.bytes(a).to_vec()).collect(),
                d.block.as_ref().map(|b| b.directives.len()),
            ));
            if let Some(b) = &d.block {
                stack.push(&b.directives);
            }
        }
    }
    out
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_]{1,12}",
        "\\$[a-z_]{1,8}",
        "[a-z0-9/._~^*$-]{1,16}",
        "\"[a-z ;{}#'\\\\]{0,10}\"",
        "'[a-z \";{}#]{0,10}'",
        "\\$\\{[a-z]{1,5}\\}[a-z]{0,3}",
    ]
}

fn statement(depth: u32) -> BoxedStrategy<String> {
    let simple = (word(), prop::collection::vec(word(), 0..4))
        .prop_map(|(n, a)| format!("{} {};", n, a.join(" ")));
    if depth == 0 {
        return simple.boxed();
    }
    prop_oneof![
        3 => simple,
        1 => ("[a-z_]{1,10}", prop::collection::vec(word(), 0..2), prop::collection::vec(statement(depth - 1), 0..4))
            .prop_map(|(n, a, body)| format!("{} {} {{\n{}\n}}", n, a.join(" "), body.join("\n"))),
    ]
    .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_parse_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let (_file, _diags) = parse_file(FileId(0), Arc::from(bytes));
    }

    #[test]
    fn nginx_like_text_parses_without_panic(text in "[a-z {};#\"'\\\\$\n\t]{0,400}") {
        let _ = parse_file(FileId(0), Arc::from(text.as_bytes()));
    }

    #[test]
    fn print_then_parse_gives_the_same_statements(stmts in prop::collection::vec(statement(3), 0..12)) {
        let text = stmts.join("\n");
        let (file, diags) = parse_file(FileId(0), Arc::from(text.as_bytes()));
        prop_assume!(diags.is_empty());
        let printed = print_file(&file);
        let (again, diags2) = parse_file(FileId(1), Arc::from(printed.clone()));
        prop_assert!(diags2.is_empty(), "reprint failed to parse: {:?}\n{}", diags2.first().map(|d| &d.message), String::from_utf8_lossy(&printed));
        prop_assert_eq!(shape(&file, &file.directives), shape(&again, &again.directives));
    }
}
