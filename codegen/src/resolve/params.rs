//! Operation parameters → path arguments and a query struct.
//!
//! Path parameters become positional method arguments, in the order of the
//! path template; query parameters become the fields of one struct per
//! operation (`<Operation>Query`, built like a model: `new(required…)` plus
//! `with_<param>` setters). A list-valued query parameter repeats its key.
//! Path-level parameters apply to every operation of the path; an
//! operation's own parameter of the same name and location replaces one.
//! Header and cookie parameters, and parameters described by `content`
//! rather than `schema`, are rejected with their JSON pointer.

use indexmap::IndexMap;
use openapiv3::{Components, Parameter, ParameterSchemaOrContent, ReferenceOr};

use super::operation::lookup;
use super::schema::{SchemaRef, SchemaResolver};
use crate::error::{join, Error, Result};
use crate::ir::{Field, QueryDef, TypeDef, TypeRef};
use crate::naming::{self, Namespace};

const PARAMETER_PREFIX: &str = "#/components/parameters/";

/// Resolved parameters of one operation.
pub struct Params {
    /// Path parameters, in path order.
    pub path: Vec<Field>,
    /// The query struct, if any query parameter exists.
    pub query: Option<QueryDef>,
}

/// One parameter as declared, with where it was found.
struct Declared<'s> {
    param: &'s Parameter,
    pointer: String,
}

/// Resolves the parameters that apply to the operation at `pointer`.
#[allow(clippy::too_many_arguments)]
pub fn resolve_params(
    components: Option<&Components>,
    schemas: &mut SchemaResolver<'_>,
    extra: &mut Vec<TypeDef>,
    path: &str,
    path_level: (&[ReferenceOr<Parameter>], &str),
    own: (&[ReferenceOr<Parameter>], &str),
    type_prefix: &str,
) -> Result<Params> {
    let mut declared: IndexMap<(String, &'static str), Declared<'_>> = IndexMap::new();
    for (list, at) in [path_level, own] {
        for (i, param) in list.iter().enumerate() {
            let at = join(&join(at, "parameters"), &i.to_string());
            let (param, at) = lookup(param, PARAMETER_PREFIX, components.map(|c| &c.parameters), &at)?;
            let location = match param {
                Parameter::Path { .. } => "path",
                Parameter::Query { .. } => "query",
                Parameter::Header { .. } => return Err(Error::spec(at, "header parameters are not supported yet")),
                Parameter::Cookie { .. } => return Err(Error::spec(at, "cookie parameters are not supported")),
            };
            let name = param.parameter_data_ref().name.clone();
            declared.insert((name, location), Declared { param, pointer: at });
        }
    }

    let mut path_params = Vec::new();
    let mut args = Namespace::with_reserved(&["self", "query", "body", "path"]);
    for segment in template_names(path) {
        let d = declared.get(&(segment.to_owned(), "path")).ok_or_else(|| {
            Error::spec(join("#/paths", path), format!("path parameter `{{{segment}}}` is not declared"))
        })?;
        let mut field = field(schemas, extra, d, type_prefix, &mut args)?;
        field.required = true;
        path_params.push(field);
    }
    if let Some(((name, _), d)) =
        declared.iter().find(|((n, l), _)| *l == "path" && !template_names(path).any(|s| s == n))
    {
        return Err(Error::spec(&d.pointer, format!("path parameter `{name}` does not appear in the path")));
    }

    let mut fields = Vec::new();
    let mut names = Namespace::default();
    for d in declared.values().filter(|d| matches!(d.param, Parameter::Query { .. })) {
        let field = field(schemas, extra, d, type_prefix, &mut names)?;
        check_query_type(&field.ty, schemas, &d.pointer)?;
        fields.push(field);
    }
    let query =
        (!fields.is_empty()).then(|| QueryDef { name: schemas.types.claim(&format!("{type_prefix}Query")), fields });
    Ok(Params { path: path_params, query })
}

/// The `{name}`s of a path template, in order.
fn template_names(path: &str) -> impl Iterator<Item = &str> {
    path.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

fn field(
    schemas: &mut SchemaResolver<'_>,
    extra: &mut Vec<TypeDef>,
    d: &Declared<'_>,
    type_prefix: &str,
    names: &mut Namespace,
) -> Result<Field> {
    let data = d.param.parameter_data_ref();
    let schema = match &data.format {
        ParameterSchemaOrContent::Schema(schema) => schema,
        ParameterSchemaOrContent::Content(_) => {
            return Err(Error::spec(join(&d.pointer, "content"), "parameters described by `content` are not supported"))
        }
    };
    let inline_name = format!("{type_prefix}{}", naming::camel(&data.name));
    let ty = schemas.type_of_ref_or(&inline_name, SchemaRef::from(schema), &join(&d.pointer, "schema"), extra)?;
    Ok(Field {
        name: names.claim(&naming::snake_ident(&data.name)),
        wire_name: data.name.clone(),
        docs: data.description.clone(),
        ty,
        required: data.required,
        boxed: false,
        constraints: super::schema::constraints(SchemaRef::from(schema)),
    })
}

/// Query values must be scalars, enums, or lists of them.
fn check_query_type(ty: &TypeRef, schemas: &SchemaResolver<'_>, pointer: &str) -> Result<()> {
    let scalar = |t: &TypeRef| match t {
        TypeRef::Named(name) => schemas.is_enum(name),
        TypeRef::List(_) | TypeRef::Map(_) | TypeRef::Json | TypeRef::Bytes => false,
        _ => true,
    };
    let ok = match ty {
        TypeRef::List(inner) => scalar(inner),
        other => scalar(other),
    };
    if ok {
        Ok(())
    } else {
        Err(Error::spec(join(pointer, "schema"), "query parameters must be scalars, enums or lists of them"))
    }
}
