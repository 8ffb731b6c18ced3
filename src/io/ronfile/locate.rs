//! Locating items in the source, for `line:col` messages.

/// A tiny RON lexer that walks the source tracking nesting depth, skipping
/// strings, raw strings, chars and comments. Calls `visit(byte_idx, byte,
/// depth)` for every structural byte outside strings and comments.
pub(super) fn walk(src: &str, mut visit: impl FnMut(usize, u8, usize) -> bool) {
    let b = src.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    while i < b.len() {
        let c = b[i];
        match c {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'r' if matches!(b.get(i + 1), Some(b'#' | b'"'))
                && (i == 0 || !b[i - 1].is_ascii_alphanumeric() && b[i - 1] != b'_') =>
            {
                let hashes = b[i + 1..].iter().take_while(|&&x| x == b'#').count();
                let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
                let open_end = i + 1 + hashes + 1;
                i = match src
                    .get(open_end..)
                    .and_then(|rest| rest.as_bytes().windows(close.len()).position(|w| w == close.as_slice()))
                {
                    Some(p) => open_end + p + close.len() - 1,
                    None => b.len(),
                };
            }
            b'\'' => {
                // A char literal: 'x', '\n', '\u{..}', or a multi-byte char.
                let end = src[i + 1..].find('\'').map_or(b.len(), |p| i + 1 + p);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'(' | b'[' | b'{' => {
                if !visit(i, c, depth) {
                    return;
                }
                depth += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if !visit(i, c, depth) {
                    return;
                }
            }
            _ => {
                if !visit(i, c, depth) {
                    return;
                }
            }
        }
        i += 1;
    }
}

pub(super) fn line_col(src: &str, byte_idx: usize) -> (usize, usize) {
    let head = &src[..byte_idx.min(src.len())];
    let line = head.matches('\n').count() + 1;
    let line_start = head.rfind('\n').map_or(0, |p| p + 1);
    (line, head[line_start..].chars().count() + 1)
}

/// Byte offset of the value of top-level field `field` (depth 1).
pub(super) fn top_field_offset(src: &str, field: &str) -> Option<usize> {
    field_offset_at_depth(src, field, 1, 0)
}

pub(super) fn field_offset_at_depth(src: &str, field: &str, want_depth: usize, from: usize) -> Option<usize> {
    let mut found = None;
    let fb = field.as_bytes();
    let b = src.as_bytes();
    walk(src, |i, c, depth| {
        if i >= from
            && depth == want_depth
            && c == fb[0]
            && b[i..].starts_with(fb)
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
        {
            let rest = &src[i + fb.len()..];
            if rest.trim_start().starts_with(':') {
                found = Some(i);
                return false;
            }
        }
        true
    });
    found
}

/// Offsets of the items of the list that follows `start` (a field at `depth`).
pub(super) fn list_items_from(src: &str, start: usize, depth: usize) -> Vec<usize> {
    let mut items = Vec::new();
    let mut in_list = false;
    let mut expect_item = false;
    walk(src, |i, c, d| {
        if i < start {
            return true;
        }
        if !in_list {
            if c == b'[' && d == depth {
                in_list = true;
                expect_item = true;
            }
            return true;
        }
        if d == depth && c == b']' {
            return false;
        }
        if d == depth + 1 {
            if c == b',' {
                expect_item = true;
            } else if expect_item && !c.is_ascii_whitespace() {
                items.push(i);
                expect_item = false;
            }
        }
        true
    });
    items
}

/// Locates `labels[3] (Name)`-style schema paths inside the `schema` field
/// (or, for a standalone schema file, `base_depth` 0).
pub(super) fn locate_schema_item(src: &str, base_depth: usize, path: &str) -> Option<(usize, usize)> {
    let (list, rest) = path.split_once('[')?;
    let idx: usize = rest.split(']').next()?.parse().ok()?;
    let schema_start =
        if base_depth == 0 && top_field_offset(src, "schema").is_some() { top_field_offset(src, "schema")? } else { 0 };
    let depth = if schema_start == 0 { 1 } else { 2 };
    let field = field_offset_at_depth(src, list, depth, schema_start)?;
    let items = list_items_from(src, field, depth);
    items.get(idx).map(|&i| line_col(src, i))
}
