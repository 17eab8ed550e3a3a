//! Batch request schemas → [`BatchDef`]s.
//!
//! A *batch* is a request body schema whose properties are all optional
//! arrays of objects (`{fooEvents: [FooEvent], barEvents: [BarEvent]}`). For each the
//! generator emits the event type a publisher works with: the element type
//! itself when the batch has one list, otherwise an enum with one variant
//! per list. The enum is named after the batch with a leading `Batch` and a
//! trailing `Request` removed (`BatchWidgetChangeRequest` →
//! `WidgetChange`), or with `Item` appended when neither is present;
//! a variant is named after its list with a trailing `Events`/`s` removed
//! (`widgetMovedEvents` → `WidgetMoved`).

use crate::ir::{BatchDef, BatchList, TypeDef, TypeKind, TypeRef};
use crate::naming::{self, Namespace};

/// Finds the batch schemas among `types` (only those named in `bodies`, the
/// request body types) and names their event types.
pub fn find_batches(types: &[TypeDef], bodies: &[&str], names: &mut Namespace) -> Vec<BatchDef> {
    let structs: Vec<&str> =
        types.iter().filter(|t| matches!(t.kind, TypeKind::Struct(_))).map(|t| t.name.as_str()).collect();
    let mut batches = Vec::new();
    for def in types.iter().filter(|t| bodies.contains(&t.name.as_str())) {
        let TypeKind::Struct(fields) = &def.kind else { continue };
        let lists: Option<Vec<(&crate::ir::Field, &str)>> = fields
            .iter()
            .map(|f| match &f.ty {
                TypeRef::List(inner) if !f.required => match inner.as_ref() {
                    TypeRef::Named(n) if structs.contains(&n.as_str()) => Some((f, n.as_str())),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let Some(lists) = lists.filter(|l| !l.is_empty()) else { continue };
        let mut variants = Namespace::default();
        let lists: Vec<BatchList> = lists
            .into_iter()
            .map(|(f, element)| BatchList {
                field: f.name.clone(),
                variant: variants.claim(&variant_name(&f.wire_name)),
                element: element.to_owned(),
                string_fields: string_fields(types, element),
            })
            .collect();
        let event_type = match lists.as_slice() {
            [only] => only.element.clone(),
            _ => names.claim(&enum_name(&def.name)),
        };
        batches.push(BatchDef { type_name: def.name.clone(), event_type, lists });
    }
    batches
}

/// The string properties of the struct named `name`.
fn string_fields(types: &[TypeDef], name: &str) -> Vec<(String, String, bool)> {
    let fields = types.iter().find(|t| t.name == name).map(|t| &t.kind);
    let Some(TypeKind::Struct(fields)) = fields else { return Vec::new() };
    fields
        .iter()
        .filter(|f| f.ty == TypeRef::String)
        .map(|f| (f.wire_name.clone(), f.name.clone(), f.required))
        .collect()
}

fn enum_name(batch: &str) -> String {
    let stem = batch.strip_prefix("Batch").unwrap_or(batch);
    let stem = stem.strip_suffix("Request").unwrap_or(stem);
    if stem.is_empty() || stem == batch {
        format!("{batch}Item")
    } else {
        naming::type_name(stem)
    }
}

fn variant_name(list: &str) -> String {
    let camel = naming::type_name(list);
    let stem = camel.strip_suffix("Events").or_else(|| camel.strip_suffix('s')).unwrap_or(&camel);
    if stem.is_empty() {
        camel
    } else {
        stem.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_documented_rules() {
        assert_eq!(enum_name("BatchWidgetChangeRequest"), "WidgetChange");
        assert_eq!(enum_name("Bundle"), "BundleItem");
        assert_eq!(variant_name("widgetMovedEvents"), "WidgetMoved");
        assert_eq!(variant_name("widgets"), "Widget");
        assert_eq!(variant_name("Events"), "Events");
    }
}
