//! Schemas → Rust types.
//!
//! Mapping (see also the crate docs):
//! * an object with properties → a struct (fields in spec order);
//! * a string with `enum` → an enum with a catch-all `Unknown(String)`;
//! * `format: date-time` → the runtime's `DateTime`; `int32`/`int64` →
//!   `i32`/`i64`; `float`/`double` → `f32`/`f64`; `boolean` → `bool`;
//! * `type: array` → `Vec<T>`; an object with only `additionalProperties` →
//!   an ordered map; a schema without any constraint → a JSON value;
//! * `allOf` with a single `$ref` is a *described reference*: it maps to the
//!   referenced type (the description stays on the field);
//! * `oneOf`, `anyOf`, `not` and any other `allOf` are rejected with the JSON
//!   pointer of the schema.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use crate::error::{join, Error, Result};
use crate::ir::{Constraints, Field, TypeDef, TypeKind, TypeRef, Variant};
use crate::naming::{self, Namespace};

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Resolves schemas into IR types, owning the crate-wide type namespace.
pub struct SchemaResolver<'a> {
    schemas: &'a IndexMap<String, ReferenceOr<Schema>>,
    /// Rust names of the component schemas, by schema key.
    names: IndexMap<String, String>,
    /// Every type name given out so far.
    pub types: Namespace,
    /// Names of the enum types produced so far.
    enums: std::collections::BTreeSet<String>,
}

/// What an object-like schema holds, whether it came as `type: object` or
/// as a schema without `type`.
struct ObjectParts<'s> {
    properties: &'s IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: &'s [String],
}

impl<'a> SchemaResolver<'a> {
    /// Claims a Rust name for every component schema, in spec order, so that
    /// named schemas win over inline types derived later.
    pub fn new(schemas: &'a IndexMap<String, ReferenceOr<Schema>>) -> Self {
        let mut types = Namespace::with_reserved(naming::RESERVED_TYPES);
        let names = schemas.keys().map(|key| (key.clone(), types.claim(&naming::type_name(key)))).collect();
        SchemaResolver { schemas, names, types, enums: Default::default() }
    }

    /// Resolves every component schema into a [`TypeDef`], in spec order.
    pub fn resolve_all(&mut self) -> Result<Vec<TypeDef>> {
        let schemas = self.schemas;
        schemas.iter().map(|(key, schema)| self.resolve_component(key, schema)).collect()
    }

    fn resolve_component(&mut self, key: &str, schema: &ReferenceOr<Schema>) -> Result<TypeDef> {
        let pointer = join("#/components/schemas", key);
        let name = self.names.get(key).cloned().unwrap_or_else(|| naming::type_name(key));
        let mut inline = Vec::new();
        let (docs, kind) = match schema {
            ReferenceOr::Reference { reference } => (None, TypeKind::Alias(self.reference(reference, &pointer)?)),
            ReferenceOr::Item(schema) => {
                let kind = self.named_kind(&name, schema, &pointer, &mut inline)?;
                (schema.schema_data.description.clone(), kind)
            }
        };
        Ok(TypeDef { name, pointer, docs, kind, inline })
    }

    /// The kind of a type that gets its own name: a struct, an enum, or an
    /// alias for anything else.
    fn named_kind(
        &mut self,
        name: &str,
        schema: &Schema,
        pointer: &str,
        inline: &mut Vec<TypeDef>,
    ) -> Result<TypeKind> {
        if let Some(parts) = object_parts(schema) {
            return self.struct_fields(name, parts, pointer, inline).map(TypeKind::Struct);
        }
        if let SchemaKind::Type(Type::String(s)) = &schema.schema_kind {
            if s.enumeration.iter().any(Option::is_some) {
                self.enums.insert(name.to_owned());
                return Ok(TypeKind::Enum(enum_variants(s.enumeration.iter().flatten())));
            }
        }
        self.type_of(name, schema, pointer, inline).map(TypeKind::Alias)
    }

    fn struct_fields(
        &mut self,
        owner: &str,
        parts: ObjectParts<'_>,
        pointer: &str,
        inline: &mut Vec<TypeDef>,
    ) -> Result<Vec<Field>> {
        for (i, req) in parts.required.iter().enumerate() {
            if !parts.properties.contains_key(req) {
                let at = join(&join(pointer, "required"), &i.to_string());
                return Err(Error::spec(at, format!("required property `{req}` is not declared in `properties`")));
            }
        }
        let mut field_names = Namespace::default();
        let mut fields = Vec::with_capacity(parts.properties.len());
        for (wire, property) in parts.properties {
            let at = join(&join(pointer, "properties"), wire);
            let inline_name = format!("{owner}{}", naming::camel(wire));
            let ty = self.type_of_ref_or(&inline_name, SchemaRef::from_boxed(property), &at, inline)?;
            let data = match property {
                ReferenceOr::Item(schema) => Some(&schema.schema_data),
                ReferenceOr::Reference { .. } => None,
            };
            let read_only = data.is_some_and(|d| d.read_only);
            fields.push(Field {
                name: field_names.claim(&naming::snake_ident(wire)),
                wire_name: wire.clone(),
                docs: data.and_then(field_docs),
                boxed: false, // decided for all types at once by `cycles`
                constraints: constraints(SchemaRef::from_boxed(property)),
                ty,
                // A read-only property is set by the server: never required
                // when sending, so it is optional on the Rust side.
                required: parts.required.contains(wire) && !read_only,
            });
        }
        Ok(fields)
    }

    /// The Rust type of a schema or reference found at `pointer`; inline
    /// enums and objects become new types named `inline_name`.
    pub fn type_of_ref_or(
        &mut self,
        inline_name: &str,
        schema: SchemaRef<'_>,
        pointer: &str,
        inline: &mut Vec<TypeDef>,
    ) -> Result<TypeRef> {
        match schema {
            SchemaRef::Ref(reference) => self.reference(reference, pointer),
            SchemaRef::Item(schema) => self.type_of(inline_name, schema, pointer, inline),
        }
    }

    fn type_of(
        &mut self,
        inline_name: &str,
        schema: &Schema,
        pointer: &str,
        inline: &mut Vec<TypeDef>,
    ) -> Result<TypeRef> {
        if object_parts(schema).is_some()
            || matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s)) if s.enumeration.iter().any(Option::is_some))
        {
            let name = self.types.claim(&naming::type_name(inline_name));
            let mut nested = Vec::new();
            let kind = self.named_kind(&name, schema, pointer, &mut nested)?;
            inline.push(TypeDef {
                name: name.clone(),
                pointer: pointer.to_owned(),
                docs: schema.schema_data.description.clone(),
                kind,
                inline: Vec::new(),
            });
            inline.append(&mut nested);
            return Ok(TypeRef::Named(name));
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => Ok(match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
                _ => TypeRef::String,
            }),
            SchemaKind::Type(Type::Integer(i)) => Ok(match &i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            }),
            SchemaKind::Type(Type::Number(n)) => Ok(match &n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            }),
            SchemaKind::Type(Type::Boolean(_)) => Ok(TypeRef::Bool),
            SchemaKind::Type(Type::Array(a)) => self.items(inline_name, a.items.as_ref(), pointer, inline),
            SchemaKind::Type(Type::Object(o)) => {
                self.map_values(inline_name, o.additional_properties.as_ref(), pointer, inline)
            }
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                [ReferenceOr::Reference { reference }] => {
                    self.reference(reference, &join(&join(pointer, "allOf"), "0"))
                }
                _ => Err(Error::spec(
                    pointer,
                    "`allOf` is only supported with exactly one `$ref` (a described reference)",
                )),
            },
            SchemaKind::OneOf { .. } => Err(Error::spec(pointer, "`oneOf` is not supported")),
            SchemaKind::AnyOf { .. } => Err(Error::spec(pointer, "`anyOf` is not supported")),
            SchemaKind::Not { .. } => Err(Error::spec(pointer, "`not` is not supported")),
            SchemaKind::Any(any) => {
                if any.items.is_some() {
                    self.items(inline_name, any.items.as_ref(), pointer, inline)
                } else if any.additional_properties.is_some() {
                    self.map_values(inline_name, any.additional_properties.as_ref(), pointer, inline)
                } else if let Some(t) = &any.typ {
                    Err(Error::spec(pointer, format!("unsupported schema of `type: {t}`")))
                } else {
                    Ok(TypeRef::Json)
                }
            }
        }
    }

    fn items(
        &mut self,
        inline_name: &str,
        items: Option<&ReferenceOr<Box<Schema>>>,
        pointer: &str,
        inline: &mut Vec<TypeDef>,
    ) -> Result<TypeRef> {
        let items = items.ok_or_else(|| Error::spec(pointer, "array schema without `items`"))?;
        let item_name = format!("{inline_name}Item");
        let ty = self.type_of_ref_or(&item_name, SchemaRef::from_boxed(items), &join(pointer, "items"), inline)?;
        Ok(TypeRef::List(Box::new(ty)))
    }

    fn map_values(
        &mut self,
        inline_name: &str,
        additional: Option<&AdditionalProperties>,
        pointer: &str,
        inline: &mut Vec<TypeDef>,
    ) -> Result<TypeRef> {
        let value = match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                let value_name = format!("{inline_name}Value");
                let at = join(pointer, "additionalProperties");
                self.type_of_ref_or(&value_name, SchemaRef::from(schema.as_ref()), &at, inline)?
            }
            Some(AdditionalProperties::Any(true)) | None => TypeRef::Json,
            Some(AdditionalProperties::Any(false)) => {
                return Err(Error::spec(
                    pointer,
                    "object schema without properties that allows no additional properties",
                ))
            }
        };
        Ok(TypeRef::Map(Box::new(value)))
    }

    /// Whether `name` is a string enum produced by this resolver.
    pub fn is_enum(&self, name: &str) -> bool {
        self.enums.contains(name)
    }

    /// The Rust type a `$ref` found at `pointer` denotes.
    pub fn reference(&self, reference: &str, pointer: &str) -> Result<TypeRef> {
        let key = reference.strip_prefix(SCHEMA_PREFIX).ok_or_else(|| {
            Error::spec(pointer, format!("unsupported `$ref` `{reference}`: only `{SCHEMA_PREFIX}…` is supported"))
        })?;
        let key = key.replace("~1", "/").replace("~0", "~");
        self.names
            .get(&key)
            .map(|name| TypeRef::Named(name.clone()))
            .ok_or_else(|| Error::spec(pointer, format!("dangling `$ref`: `{reference}` is not defined")))
    }
}

/// A borrowed schema or reference, whatever box the spec model put it in.
#[derive(Clone, Copy)]
pub enum SchemaRef<'s> {
    /// A `$ref` string.
    Ref(&'s str),
    /// An inline schema.
    Item(&'s Schema),
}

impl<'s> SchemaRef<'s> {
    /// Views a boxed schema (as found in properties and items).
    pub fn from_boxed(schema: &'s ReferenceOr<Box<Schema>>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Item(schema),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Schema>> for SchemaRef<'s> {
    fn from(schema: &'s ReferenceOr<Schema>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Item(schema),
        }
    }
}

/// The constraints declared on a property's own schema (a `$ref` has none).
pub fn constraints(schema: SchemaRef<'_>) -> Constraints {
    let SchemaRef::Item(schema) = schema else { return Constraints::default() };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => Constraints {
            min_length: s.min_length,
            max_length: s.max_length,
            pattern: s.pattern.clone(),
            ..Constraints::default()
        },
        SchemaKind::Type(Type::Integer(i)) => Constraints {
            minimum: i.minimum.map(|v| v as f64),
            maximum: i.maximum.map(|v| v as f64),
            exclusive_minimum: i.exclusive_minimum,
            exclusive_maximum: i.exclusive_maximum,
            ..Constraints::default()
        },
        SchemaKind::Type(Type::Number(n)) => Constraints {
            minimum: n.minimum,
            maximum: n.maximum,
            exclusive_minimum: n.exclusive_minimum,
            exclusive_maximum: n.exclusive_maximum,
            ..Constraints::default()
        },
        SchemaKind::Type(Type::Array(a)) => Constraints {
            min_items: a.min_items,
            max_items: a.max_items,
            unique_items: a.unique_items,
            ..Constraints::default()
        },
        _ => Constraints::default(),
    }
}

/// A property's docs: its description, then a note for `readOnly` and its
/// `example`, if any.
fn field_docs(data: &openapiv3::SchemaData) -> Option<String> {
    let mut parts: Vec<String> = data.description.iter().cloned().collect();
    if data.read_only {
        parts.push("Read-only: set by the server; leave it unset when sending.".to_owned());
    }
    if let Some(example) = &data.example {
        parts.push(format!("Example: `{example}`"));
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// Properties and required list of an object schema with properties.
fn object_parts(schema: &Schema) -> Option<ObjectParts<'_>> {
    let (properties, required) = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => (&o.properties, &o.required),
        SchemaKind::Any(a) => (&a.properties, &a.required),
        _ => return None,
    };
    (!properties.is_empty()).then_some(ObjectParts { properties, required })
}

/// Variants of a string enum, named by the rules in [`naming`].
fn enum_variants<'s>(values: impl Iterator<Item = &'s String>) -> Vec<Variant> {
    let mut names = Namespace::with_reserved(&["Unknown"]);
    values
        .enumerate()
        .map(|(i, wire)| Variant { name: names.claim(&naming::variant_name(wire, i)), wire: wire.clone(), docs: None })
        .collect()
}

/// Variant names for arbitrary wire values (e.g. error codes), by the same
/// rules as enum schemas.
pub fn variant_names<'s>(values: impl Iterator<Item = &'s String>) -> Vec<String> {
    enum_variants(values).into_iter().map(|v| v.name).collect()
}
