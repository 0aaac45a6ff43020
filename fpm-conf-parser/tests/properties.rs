//! Any bytes in, diagnostics out: the php-fpm parser never panics.

use fpm_conf_parser::{parse_lines, Env};
use lint_source::FileId;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_parse_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let (mut d, mut u) = (Vec::new(), Vec::new());
        parse_lines(FileId(0), &bytes, &Env::new(), &mut d, &mut u);
    }

    #[test]
    fn ini_like_text_parses_without_panic(text in "[a-z.\\[\\]=;#\"' ${}()!&|^~\n]{0,400}") {
        let (mut d, mut u) = (Vec::new(), Vec::new());
        parse_lines(FileId(0), text.as_bytes(), &Env::new(), &mut d, &mut u);
    }

    #[test]
    fn every_key_span_points_at_its_key(key in "[a-z][a-z._]{0,20}", value in "[a-z0-9/]{0,20}") {
        let text = format!("[www]\n{key} = {value}\n");
        let (mut d, mut u) = (Vec::new(), Vec::new());
        let lines = parse_lines(FileId(0), text.as_bytes(), &Env::new(), &mut d, &mut u);
        prop_assert!(d.is_empty());
        let Some(fpm_conf_parser::Line::Entry(e)) = lines.get(1) else { panic!("entry") };
        prop_assert_eq!(&text[e.key_span.range()], key.as_str());
        prop_assert_eq!(&text[e.value_span.range()], value.as_str());
    }
}
