//! The intermediate model between *resolve* and *emit*.
//!
//! It is deliberately small: everything in it is already decided (Rust names,
//! Rust types, which fields are required, docs), so the emitters only render,
//! and every `$ref` has been replaced by the name of the Rust type it denotes.
//! Everything is held in `Vec`s in spec order, which keeps output
//! deterministic.

/// A whole compiled spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// `info.title` of the spec.
    pub title: String,
    /// The first `servers` URL, if any.
    pub base_url: Option<String>,
    /// Named types, in spec order; a type's inline types follow it in
    /// [`TypeDef::inline`].
    pub types: Vec<TypeDef>,
    /// Operations grouped by their first tag, in order of first appearance.
    pub groups: Vec<ApiGroup>,
    /// Every distinct `x-inin-error-codes` entry, in order of first appearance.
    pub error_codes: Vec<ErrorCode>,
    /// Batch request types (see `resolve::batch`), in spec order.
    pub batches: Vec<BatchDef>,
    /// Types with constraints to check before sending, directly or in a
    /// nested value; they implement the runtime's `Validate`.
    pub validated: std::collections::BTreeSet<String>,
}

/// A batch request type: an object made only of optional lists of objects.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchDef {
    /// The batch struct's Rust name.
    pub type_name: String,
    /// The type of one event: the element type of a single-list batch, or
    /// the generated enum over all lists.
    pub event_type: String,
    /// The lists, in spec order.
    pub lists: Vec<BatchList>,
}

/// One list of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchList {
    /// Rust field name of the list.
    pub field: String,
    /// Enum variant for events of this list.
    pub variant: String,
    /// Rust name of the element type.
    pub element: String,
    /// The element's string properties: wire name, Rust field name, and
    /// whether the field is required (not an `Option`).
    pub string_fields: Vec<(String, String, bool)>,
}

/// A Rust type produced from a schema.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Rust type name (`UpperCamelCase`, unique in the crate).
    pub name: String,
    /// JSON pointer of the schema it comes from.
    pub pointer: String,
    /// The schema's description.
    pub docs: Option<String>,
    /// What kind of type it is.
    pub kind: TypeKind,
    /// Types declared inline in this schema (for example a property's enum),
    /// emitted next to it.
    pub inline: Vec<TypeDef>,
}

/// The shape of a [`TypeDef`].
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Vec<Field>),
    /// A string enum; unknown values are kept by a catch-all variant.
    Enum(Vec<Variant>),
    /// Another name for a type (`pub type Name = …;`).
    Alias(TypeRef),
}

/// One property of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Rust field name (`snake_case`, possibly a raw identifier like `r#type`).
    pub name: String,
    /// The property name on the wire, exactly as in the spec.
    pub wire_name: String,
    /// The property's description.
    pub docs: Option<String>,
    /// The field's type, without the `Option` of optional fields.
    pub ty: TypeRef,
    /// Whether the spec lists the property in `required`.
    pub required: bool,
    /// Whether the type refers back to the struct holding it by value, so it
    /// must be boxed.
    pub boxed: bool,
    /// Checks the value must pass before it is sent.
    pub constraints: Constraints,
}

/// The cheap-to-check constraints of a property (`pattern` is recorded for
/// the docs only).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Constraints {
    /// `minLength`.
    pub min_length: Option<usize>,
    /// `maxLength`.
    pub max_length: Option<usize>,
    /// `pattern` (documented, not checked).
    pub pattern: Option<String>,
    /// `minItems`.
    pub min_items: Option<usize>,
    /// `maxItems`.
    pub max_items: Option<usize>,
    /// `uniqueItems`.
    pub unique_items: bool,
    /// `minimum`.
    pub minimum: Option<f64>,
    /// `maximum`.
    pub maximum: Option<f64>,
    /// `exclusiveMinimum`.
    pub exclusive_minimum: bool,
    /// `exclusiveMaximum`.
    pub exclusive_maximum: bool,
}

impl Constraints {
    /// Whether anything here is checked before sending.
    pub fn is_checked(&self) -> bool {
        self.min_length.is_some()
            || self.max_length.is_some()
            || self.min_items.is_some()
            || self.max_items.is_some()
            || self.unique_items
            || self.minimum.is_some()
            || self.maximum.is_some()
    }
}

/// One value of a string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Rust variant name.
    pub name: String,
    /// The value on the wire.
    pub wire: String,
    /// Documentation for the variant, if the spec gives any.
    pub docs: Option<String>,
}

/// A reference to a Rust type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32` (`format: int32`).
    I32,
    /// `i64` (`format: int64`, or an integer without format).
    I64,
    /// `f32` (`format: float`).
    F32,
    /// `f64` (a number without format, or `format: double`).
    F64,
    /// The runtime's date-time type (`format: date-time`).
    DateTime,
    /// Any JSON value (a schema without type or properties).
    Json,
    /// Raw bytes (`Vec<u8>`): a non-JSON, non-text body or answer.
    Bytes,
    /// A generated type, by Rust name.
    Named(String),
    /// `Vec<T>` (`type: array`).
    List(Box<TypeRef>),
    /// An ordered `String`-keyed map (`additionalProperties`).
    Map(Box<TypeRef>),
}

/// The operations of one tag: one Rust API struct.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiGroup {
    /// The tag name in the spec.
    pub tag: String,
    /// Rust struct name, e.g. `EventsApi`.
    pub name: String,
    /// Rust module/file name, e.g. `events_api`.
    pub module: String,
    /// The tag's description.
    pub docs: Option<String>,
    /// Operations in spec order.
    pub operations: Vec<Operation>,
}

/// One HTTP operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `operationId` as in the spec.
    pub id: String,
    /// Rust method name (`snake_case` of the operation id).
    pub fn_name: String,
    /// JSON pointer of the operation.
    pub pointer: String,
    /// HTTP method, upper case.
    pub method: String,
    /// The path template, e.g. `/api/v2/events/conversations`.
    pub path: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`, when not empty.
    pub description: Option<String>,
    /// Path parameters, in the order they appear in the path.
    pub path_params: Vec<Field>,
    /// The query parameters' struct (named `<Operation>Query`), when the
    /// operation has query parameters; its fields are the parameters.
    pub query: Option<QueryDef>,
    /// The JSON request body, if any.
    pub body: Option<Body>,
    /// The type of the success (2xx) response body; `None` for no content.
    pub success: Option<TypeRef>,
    /// How the success body is encoded.
    pub success_media: Media,
    /// Every declared response, success and errors, in spec order.
    pub responses: Vec<Response>,
    /// `x-inin-requires-permissions`.
    pub permissions: Option<Permissions>,
    /// OAuth scopes from the operation's `security`.
    pub scopes: Vec<String>,
    /// Whether the operation is deprecated.
    pub deprecated: bool,
}

/// A JSON request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// The body's type.
    pub ty: TypeRef,
    /// The request body's description.
    pub docs: Option<String>,
    /// Whether the body must be sent (otherwise the method takes an `Option`).
    pub required: bool,
    /// How the body is encoded.
    pub media: Media,
}

/// How a body or answer is encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Media {
    /// JSON (`application/json` or `…+json`).
    Json,
    /// Text (`text/…`), as a `String`; the media type.
    Text(String),
    /// Anything else, as bytes; the media type.
    Bytes(String),
}

/// The query parameters of one operation, as one struct.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryDef {
    /// Rust name of the struct.
    pub name: String,
    /// The parameters in spec order (`wire_name` is the query key).
    pub fields: Vec<Field>,
}

/// One declared response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// Status code (`"200"`, `"4XX"`, `"default"`).
    pub status: String,
    /// The response's description.
    pub description: String,
    /// The body type, if the response has a JSON body.
    pub ty: Option<TypeRef>,
    /// `x-inin-error-codes` of this response: code and message, in spec order.
    pub error_codes: Vec<(String, String)>,
    /// How the body is encoded (JSON when there is none).
    pub media: Media,
}

/// `x-inin-requires-permissions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permissions {
    /// `true` for `ALL` (every permission needed), `false` for `ANY`.
    pub all: bool,
    /// The permission names.
    pub names: Vec<String>,
}

/// One error code from `x-inin-error-codes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCode {
    /// The code on the wire, e.g. `max.batch.size.surpassed`.
    pub code: String,
    /// Rust variant name, e.g. `MaxBatchSizeSurpassed`.
    pub variant: String,
    /// The message template the API documents for it.
    pub message: String,
}

impl TypeRef {
    /// Names of generated types this reference mentions.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeRef::Named(name) => Some(name),
            TypeRef::List(inner) | TypeRef::Map(inner) => inner.named(),
            _ => None,
        }
    }
}
