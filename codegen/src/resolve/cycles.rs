//! Recursive types: a struct that holds itself by value, directly or through
//! other structs (`User.outOfOffice: OutOfOffice`, `OutOfOffice.user: User`),
//! would have infinite size. A depth-first walk over the by-value field
//! edges, in spec order, finds every cycle; each edge that closes one (a
//! back edge) is boxed. Lists and maps already hold their elements on the
//! heap, so only plain and `Option` fields count.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{TypeDef, TypeKind, TypeRef};

/// Sets `boxed` on the fields that close a cycle of by-value struct fields.
pub fn box_cycles(types: &mut [TypeDef]) {
    let mut edges: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    let mut order = Vec::new();
    for def in types.iter().flat_map(|d| std::iter::once(d).chain(&d.inline)) {
        if let TypeKind::Struct(fields) = &def.kind {
            order.push(def.name.clone());
            let out = fields.iter().enumerate().filter_map(|(i, f)| match &f.ty {
                TypeRef::Named(target) => Some((i, target.clone())),
                _ => None,
            });
            edges.insert(def.name.clone(), out.collect());
        }
    }
    let mut to_box: BTreeSet<(String, usize)> = BTreeSet::new();
    let mut done: BTreeSet<String> = BTreeSet::new();
    for start in &order {
        if done.contains(start) {
            continue;
        }
        // Iterative DFS: (node, next edge to look at); `on_stack` holds the
        // current path.
        let mut stack: Vec<(String, usize)> = vec![(start.clone(), 0)];
        let mut on_stack: BTreeSet<String> = BTreeSet::from([start.clone()]);
        while let Some((node, next)) = stack.last().cloned() {
            let out = edges.get(&node).map(Vec::as_slice).unwrap_or_default();
            match out.get(next) {
                Some((field, target)) => {
                    if let Some(top) = stack.last_mut() {
                        top.1 += 1;
                    }
                    if on_stack.contains(target) {
                        to_box.insert((node.clone(), *field));
                    } else if edges.contains_key(target) && !done.contains(target) {
                        on_stack.insert(target.clone());
                        stack.push((target.clone(), 0));
                    }
                }
                None => {
                    stack.pop();
                    on_stack.remove(&node);
                    done.insert(node);
                }
            }
        }
    }
    let apply = |name: &str, kind: &mut TypeKind| {
        if let TypeKind::Struct(fields) = kind {
            for (i, field) in fields.iter_mut().enumerate() {
                field.boxed = to_box.contains(&(name.to_owned(), i));
            }
        }
    };
    for def in types.iter_mut() {
        apply(&def.name, &mut def.kind);
        for inline in &mut def.inline {
            apply(&inline.name, &mut inline.kind);
        }
    }
}
