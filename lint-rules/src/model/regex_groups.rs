//! Just enough of PCRE's syntax to answer what the security rules ask of a
//! regex: the text of a capturing group (by number or name), the names it
//! captures, and whether a piece of pattern can match a given character.

/// The pattern text of capture group `n` (1-based), or of the group named `name`.
pub fn group<'r>(regex: &'r str, wanted: &GroupRef<'_>) -> Option<&'r str> {
    let bytes = regex.as_bytes();
    let mut i = 0;
    let mut number = 0;
    // (start of body, group number, name) of open groups; None for non-capturing.
    let mut open: Vec<Option<(usize, usize, Option<&'r str>)>> = Vec::new();
    let mut in_class = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                i += 2;
                continue;
            }
            b'[' if !in_class => {
                in_class = true;
                // `[]...]` and `[^]...]`: a leading `]` is a member.
                if bytes.get(i + 1) == Some(&b'^') {
                    i += 1;
                }
                if bytes.get(i + 1) == Some(&b']') {
                    i += 1;
                }
            }
            b']' if in_class => in_class = false,
            b'(' if !in_class => {
                let rest = &regex[i + 1..];
                if let Some(after) = rest.strip_prefix('?') {
                    let named = after
                        .strip_prefix("P<")
                        .or_else(|| {
                            after
                                .strip_prefix('<')
                                .filter(|a| !a.starts_with(['=', '!']))
                        })
                        .or_else(|| after.strip_prefix('\''));
                    match named {
                        Some(n) => {
                            let end = n.find(['>', '\'']).unwrap_or(n.len());
                            number += 1;
                            let body = i + 1 + (rest.len() - n.len()) + end + 1;
                            open.push(Some((body.min(regex.len()), number, Some(&n[..end]))));
                        }
                        None => open.push(None),
                    }
                } else {
                    number += 1;
                    open.push(Some((i + 1, number, None)));
                }
            }
            b')' if !in_class => {
                if let Some(Some((start, n, name))) = open.pop() {
                    let hit = match wanted {
                        GroupRef::Number(w) => *w == n,
                        GroupRef::Name(w) => name == Some(*w),
                    };
                    if hit {
                        return regex.get(start..i);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// A reference to a capture: `$1` or `$name`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupRef<'a> {
    /// `$1`..`$9`.
    Number(usize),
    /// A named capture.
    Name(&'a str),
}

/// True when some string the pattern piece matches can contain `c` (conservative:
/// anything not understood can).
pub fn can_match_char(pattern: &str, c: char) -> bool {
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                let Some(&e) = chars.get(i + 1) else {
                    return true;
                };
                if escape_matches(e, c) {
                    return true;
                }
                i += 2;
            }
            '.' => {
                if c != '\n' {
                    return true;
                }
                i += 1;
            }
            '[' => {
                let (matches, end) = class_matches(&chars, i, c);
                if matches {
                    return true;
                }
                i = end;
            }
            // Syntax, not characters of the subject.
            '(' | ')' | '|' | '*' | '+' | '?' | '{' | '}' | '^' | '$' => {
                // `(?<name>` / `(?:`: skip the group header.
                if chars[i] == '(' && chars.get(i + 1) == Some(&'?') {
                    let mut j = i + 2;
                    if matches!(chars.get(j), Some('<') | Some('P') | Some('\'')) {
                        while j < chars.len() && chars[j] != '>' && chars[j] != '\'' {
                            j += 1;
                        }
                    }
                    i = j + 1;
                    continue;
                }
                // `{2,3}` quantifiers hold digits and commas that are not subject text.
                if chars[i] == '{' {
                    while i < chars.len() && chars[i] != '}' {
                        i += 1;
                    }
                }
                i += 1;
            }
            other => {
                if other == c {
                    return true;
                }
                i += 1;
            }
        }
    }
    false
}

fn escape_matches(e: char, c: char) -> bool {
    match e {
        'd' => c.is_ascii_digit(),
        'w' => c.is_ascii_alphanumeric() || c == '_',
        's' => c.is_whitespace(),
        'D' => !c.is_ascii_digit(),
        'W' => !(c.is_ascii_alphanumeric() || c == '_'),
        'S' => !c.is_whitespace(),
        // Anchors and boundaries match no character.
        'b' | 'B' | 'A' | 'z' | 'Z' | 'G' => false,
        // Other letters are classes or escapes this reader does not know.
        l if l.is_ascii_alphabetic() => true,
        lit => lit == c,
    }
}

/// Whether the class starting at `start` (`[`) matches `c`, and the index after its `]`.
fn class_matches(chars: &[char], start: usize, c: char) -> (bool, usize) {
    let mut i = start + 1;
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut hit = false;
    let mut first = true;
    while i < chars.len() && (chars[i] != ']' || first) {
        first = false;
        let (lo, next) = if chars[i] == '\\' {
            match chars.get(i + 1) {
                Some(&e) if e.is_ascii_alphabetic() => {
                    hit |= escape_matches(e, c);
                    i += 2;
                    continue;
                }
                Some(&e) => (e, i + 2),
                None => break,
            }
        } else {
            (chars[i], i + 1)
        };
        if chars.get(next) == Some(&'-') && chars.get(next + 1).is_some_and(|&h| h != ']') {
            let hi = chars[next + 1];
            hit |= lo <= c && c <= hi;
            i = next + 2;
        } else {
            hit |= lo == c;
            i = next;
        }
    }
    (hit != negated, i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_number_and_name() {
        assert_eq!(
            group(r"^/img/(.*\.png)$", &GroupRef::Number(1)),
            Some(r".*\.png")
        );
        assert_eq!(group(r"^/(a)(?:b)(c)", &GroupRef::Number(2)), Some("c"));
        assert_eq!(
            group(r"^/n/(?<rest>.*)$", &GroupRef::Name("rest")),
            Some(".*")
        );
        assert_eq!(
            group(r"^/n/(?P<rest>[^/]+)$", &GroupRef::Number(1)),
            Some("[^/]+")
        );
        assert_eq!(group(r"^/x", &GroupRef::Number(1)), None);
    }

    #[test]
    fn characters_a_piece_can_match() {
        assert!(can_match_char(".*", '?'));
        assert!(!can_match_char(r"\d+", '?'));
        assert!(!can_match_char(r"\w+", '/'));
        assert!(can_match_char("/.*", '/'));
        assert!(!can_match_char("[a-z0-9]+", '%'));
        assert!(can_match_char("[^/]+", '%'));
        assert!(!can_match_char("[^/]+", '/'));
        assert!(!can_match_char("v[12]", '?'));
    }
}
