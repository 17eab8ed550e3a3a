//! A small, deterministic YAML writer for spec fragments.
//!
//! It writes a JSON tree in YAML block style the way PyYAML's `safe_dump`
//! does with `sort_keys=False`, unlimited line width, `allow_unicode=True`
//! and indented sequences (the style of the hand-converted
//! `spec/events-api.yaml` it replaces, so regenerating that file changes no
//! byte of its body):
//!
//! * mappings and sequences in block style, indented by two spaces (list
//!   items too), empty ones as `{}` and `[]`;
//! * a string is written plain when PyYAML would (no indicator at its
//!   start, no `: ` or ` #` inside, no leading or trailing space, and not
//!   readable as another type by a YAML 1.1 *or* a YAML 1.2 reader, e.g.
//!   `'200'`, `'true'`, `''`, `'2024-01-01'`, `'1e3'`), else single-quoted;
//!   strings with line breaks or non-printable characters are
//!   double-quoted with escapes;
//! * comments can be attached before any mapping key (by JSON pointer).

use serde_json::{Map, Value};

/// Comment lines to write before the key at a JSON pointer (`/info/title`);
/// the lines are written as `# <line>` at the key's indentation.
pub type Comments<'a> = &'a [(String, Vec<String>)];

/// Writes `value` (normally a mapping) as a YAML document.
pub fn to_string(value: &Value, comments: Comments<'_>) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0, "", false, comments),
        Value::Array(list) if !list.is_empty() => write_seq(&mut out, list, 0, "", false, comments),
        scalar => {
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
    out
}

/// Writes the entries of `map` at `indent`; with `inline_first`, the first
/// key continues the current line (after a `- `).
fn write_map(
    out: &mut String,
    map: &Map<String, Value>,
    indent: usize,
    pointer: &str,
    inline_first: bool,
    comments: Comments<'_>,
) {
    for (i, (key, value)) in map.iter().enumerate() {
        let child = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
        let inline = inline_first && i == 0;
        if !inline {
            for (_, lines) in comments.iter().filter(|(at, _)| *at == child) {
                for line in lines {
                    pad(out, indent);
                    out.push_str(format!("# {line}").trim_end());
                    out.push('\n');
                }
            }
            pad(out, indent);
        }
        out.push_str(&string(key, true));
        out.push(':');
        match value {
            Value::Object(m) if !m.is_empty() => {
                out.push('\n');
                write_map(out, m, indent + 2, &child, false, comments);
            }
            Value::Array(l) if !l.is_empty() => {
                out.push('\n');
                write_seq(out, l, indent + 2, &child, false, comments);
            }
            scalar => {
                out.push(' ');
                out.push_str(&scalar_text(scalar));
                out.push('\n');
            }
        }
    }
}

/// Writes the items of `list` at `indent` (see [`write_map`]).
fn write_seq(
    out: &mut String,
    list: &[Value],
    indent: usize,
    pointer: &str,
    inline_first: bool,
    comments: Comments<'_>,
) {
    for (i, item) in list.iter().enumerate() {
        if !(inline_first && i == 0) {
            pad(out, indent);
        }
        out.push_str("- ");
        let child = format!("{pointer}/{i}");
        match item {
            Value::Object(m) if !m.is_empty() => write_map(out, m, indent + 2, &child, true, comments),
            Value::Array(l) if !l.is_empty() => write_seq(out, l, indent + 2, &child, true, comments),
            scalar => {
                out.push_str(&scalar_text(scalar));
                out.push('\n');
            }
        }
    }
}

fn pad(out: &mut String, indent: usize) {
    out.push_str(&" ".repeat(indent));
}

/// A scalar (or empty collection) as YAML text.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s, false),
        Value::Array(_) => "[]".to_owned(),
        Value::Object(_) => "{}".to_owned(),
    }
}

/// A string in the style PyYAML would choose (see the module docs); `key`
/// for mapping keys, which are never written plain when empty.
pub fn string(s: &str, key: bool) -> String {
    let analysis = analyze(s);
    if analysis.needs_double {
        return double_quoted(s);
    }
    if analysis.plain && !(key && s.is_empty()) && !resolves_to_non_string(s) {
        return s.to_owned();
    }
    format!("'{}'", s.replace('\'', "''"))
}

/// What [`analyze`] found out about a string.
struct Analysis {
    /// It can be written plain in block context.
    plain: bool,
    /// It must be double-quoted (line breaks or non-printable characters).
    needs_double: bool,
}

/// Whitespace as PyYAML's emitter sees it (`\0` stands for the ends).
fn is_space_or_break(c: Option<char>) -> bool {
    matches!(c, None | Some('\0' | ' ' | '\t' | '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}'))
}

/// PyYAML's `analyze_scalar` for block context, reduced to the styles used here.
fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis { plain: false, needs_double: false };
    }
    let chars: Vec<char> = s.chars().collect();
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    let mut needs_double = false;
    let mut preceded_by_space = true;
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_space = is_space_or_break(chars.get(i + 1).copied());
        if i == 0 {
            block_indicators |= "#,[]{}&*!|>'\"%@`".contains(c);
            block_indicators |= "?:-".contains(c) && followed_by_space;
        } else {
            block_indicators |= c == ':' && followed_by_space;
            block_indicators |= c == '#' && preceded_by_space;
        }
        let printable = c == ' '
            || c.is_ascii_graphic()
            || matches!(c, '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..) && c != '\u{FEFF}';
        needs_double |= !printable;
        preceded_by_space = is_space_or_break(Some(c));
    }
    let edge_space = s.starts_with(' ') || s.ends_with(' ');
    Analysis { plain: !block_indicators && !edge_space && !needs_double, needs_double }
}

/// `true` when a YAML reader would not read the plain text `s` as this
/// string: PyYAML's YAML 1.1 implicit types, or anything `serde_yaml`
/// (which codegen uses) reads differently.
fn resolves_to_non_string(s: &str) -> bool {
    if yaml11::is_non_string(s) {
        return true;
    }
    !matches!(serde_yaml::from_str::<serde_yaml::Value>(s), Ok(serde_yaml::Value::String(read)) if read == s)
}

/// A double-quoted string with YAML escapes.
fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{85}' => out.push_str("\\N"),
            '\u{A0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if (c as u32) < 0x20 || c == '\u{7F}' => out.push_str(&format!("\\x{:02X}", c as u32)),
            '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}' => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// PyYAML's YAML 1.1 implicit resolvers (bool, int, float, null, timestamp,
/// merge, value), written out instead of as regular expressions.
mod yaml11 {
    /// `true` when PyYAML would read the plain scalar `s` as a non-string.
    pub fn is_non_string(s: &str) -> bool {
        const WORDS: &[&str] = &[
            "", "~", "null", "Null", "NULL", "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false",
            "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "<<", "=", ".nan", ".NaN", ".NAN",
        ];
        WORDS.contains(&s) || is_int(s) || is_float(s) || is_timestamp(s)
    }

    fn unsigned(s: &str) -> &str {
        s.strip_prefix(['-', '+']).unwrap_or(s)
    }

    fn all(s: &str, f: impl Fn(char) -> bool) -> bool {
        s.chars().all(f)
    }

    /// `[0-9][0-9_]*(:[0-5]?[0-9])*` with at least `min_parts` `:` parts.
    fn sexagesimal(s: &str, min_parts: usize) -> bool {
        let mut parts = s.split(':');
        let head = parts.next().unwrap_or("");
        let head_ok = head.starts_with(|c: char| c.is_ascii_digit()) && all(head, |c| c.is_ascii_digit() || c == '_');
        let rest: Vec<&str> = parts.collect();
        let part_ok = |p: &&str| match p.as_bytes() {
            [d] => d.is_ascii_digit(),
            [a, b] => (b'0'..=b'5').contains(a) && b.is_ascii_digit(),
            _ => false,
        };
        head_ok && rest.len() >= min_parts && rest.iter().all(part_ok)
    }

    fn is_int(s: &str) -> bool {
        let u = unsigned(s);
        if let Some(bits) = u.strip_prefix("0b") {
            return !bits.is_empty() && all(bits, |c| matches!(c, '0' | '1' | '_'));
        }
        if let Some(hex) = u.strip_prefix("0x") {
            return !hex.is_empty() && all(hex, |c| c.is_ascii_hexdigit() || c == '_');
        }
        if let Some(octal) = u.strip_prefix('0') {
            return all(octal, |c| matches!(c, '0'..='7' | '_'));
        }
        u.starts_with(|c: char| matches!(c, '1'..='9')) && sexagesimal(u, 0)
    }

    /// `[eE][-+][0-9]+`, or nothing.
    fn exponent(s: &str) -> bool {
        match s.strip_prefix(['e', 'E']) {
            None => s.is_empty(),
            Some(rest) => {
                rest.strip_prefix(['-', '+']).is_some_and(|d| !d.is_empty() && all(d, |c| c.is_ascii_digit()))
            }
        }
    }

    fn is_float(s: &str) -> bool {
        if matches!(unsigned(s), ".inf" | ".Inf" | ".INF") {
            return true;
        }
        if let Some(rest) = s.strip_prefix('.') {
            // `\.[0-9][0-9_]*` and an exponent (no sign allowed before the dot).
            let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '_')).unwrap_or(rest.len());
            return rest.starts_with(|c: char| c.is_ascii_digit()) && exponent(&rest[digits..]);
        }
        let u = unsigned(s);
        let Some((whole, fraction)) = u.split_once('.') else { return false };
        let digits = fraction.find(|c: char| !(c.is_ascii_digit() || c == '_')).unwrap_or(fraction.len());
        let plain = whole.starts_with(|c: char| c.is_ascii_digit())
            && all(whole, |c| c.is_ascii_digit() || c == '_')
            && exponent(&fraction[digits..]);
        plain || (sexagesimal(whole, 1) && digits == fraction.len())
    }

    /// `YYYY-MM-DD`, or `YYYY-M-D` followed by a time (`T` or spaces,
    /// `H:MM:SS`, optional fraction and zone).
    fn is_timestamp(s: &str) -> bool {
        let b = s.as_bytes();
        let digits = |from: usize, n: usize| b.get(from..from + n).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
        if b.len() == 10
            && digits(0, 4)
            && b.get(4) == Some(&b'-')
            && digits(5, 2)
            && b.get(7) == Some(&b'-')
            && digits(8, 2)
        {
            return true;
        }
        let mut i = 0;
        let number = |i: &mut usize, min: usize, max: usize| {
            let n = b.get(*i..).unwrap_or(&[]).iter().take(max).take_while(|c| c.is_ascii_digit()).count();
            *i += n;
            n >= min
        };
        let expect = |i: &mut usize, c: u8| {
            let ok = b.get(*i) == Some(&c);
            *i += usize::from(ok);
            ok
        };
        if !(number(&mut i, 4, 4)
            && expect(&mut i, b'-')
            && number(&mut i, 1, 2)
            && expect(&mut i, b'-')
            && number(&mut i, 1, 2))
        {
            return false;
        }
        match b.get(i) {
            Some(b'T' | b't') => i += 1,
            Some(b' ' | b'\t') => i += b[i..].iter().take_while(|c| matches!(c, b' ' | b'\t')).count(),
            _ => return false,
        }
        if !(number(&mut i, 1, 2)
            && expect(&mut i, b':')
            && number(&mut i, 2, 2)
            && expect(&mut i, b':')
            && number(&mut i, 2, 2))
        {
            return false;
        }
        if expect(&mut i, b'.') {
            number(&mut i, 0, usize::MAX);
        }
        i += b.get(i..).unwrap_or(&[]).iter().take_while(|c| matches!(c, b' ' | b'\t')).count();
        match b.get(i) {
            None => true,
            Some(b'Z') => i + 1 == b.len(),
            Some(b'-' | b'+') => {
                i += 1;
                number(&mut i, 1, 2) && (i == b.len() || (expect(&mut i, b':') && number(&mut i, 2, 2) && i == b.len()))
            }
            _ => false,
        }
    }
}
