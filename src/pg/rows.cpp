#include "pg/rows.hpp"

#include <cctype>
#include <cstring>

extern "C" {
#include "commands/async.h"
}

namespace servicedesk::pg {

namespace {

int attnum(TupleDesc desc, const char* name) {
  int n = SPI_fnumber(desc, name);
  if (n <= 0) {
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                    errmsg("column \"%s\" of servicedesk.services is missing", name),
                    errdetail("The servicedesk triggers need every column of the original schema."),
                    errhint("Restore the column, or reinstall the extension.")));
  }
  return n;
}

char* text_or_null(HeapTuple t, TupleDesc d, int att) {
  bool isnull;
  Datum v = heap_getattr(t, att, d, &isnull);
  return isnull ? nullptr : TextDatumGetCString(v);
}

bool int_or_null(HeapTuple t, TupleDesc d, int att, std::int32_t* out) {
  bool isnull;
  Datum v = heap_getattr(t, att, d, &isnull);
  if (!isnull) *out = DatumGetInt32(v);
  return !isnull;
}

bool blank(const char* s, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isspace(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool jsonb_value_empty(const JsonbValue* v) {
  switch (v->type) {
    case jbvNull:
      return true;
    case jbvString:
      return blank(v->val.string.val, v->val.string.len);
    case jbvBinary:
      return JsonContainerSize(v->val.binary.data) == 0;
    case jbvArray:
      return v->val.array.nElems == 0;
    case jbvObject:
      return v->val.object.nPairs == 0;
    default:
      return false;
  }
}

}  // namespace

TriggerData* trigger_data(FunctionCallInfo fcinfo, const char* function) {
  if (!CALLED_AS_TRIGGER(fcinfo)) {
    throw Error("39P01", std::string(function) + "() must be called as a trigger",
                "It was called as a plain function.",
                "Only the servicedesk triggers call it; use it in CREATE TRIGGER.");
  }
  return reinterpret_cast<TriggerData*>(fcinfo->context);
}

ServiceAttrs service_attrs(TupleDesc desc) {
  ServiceAttrs a;
  a.id = attnum(desc, "id");
  a.title = attnum(desc, "title");
  a.service_type = attnum(desc, "service_type");
  a.priority = attnum(desc, "priority");
  a.status = attnum(desc, "status");
  a.workflow_id = attnum(desc, "workflow_id");
  a.requester_id = attnum(desc, "requester_id");
  a.assignee_id = attnum(desc, "assignee_id");
  a.current_stage_id = attnum(desc, "current_stage_id");
  a.sla_id = attnum(desc, "sla_id");
  a.metadata = attnum(desc, "metadata");
  a.created_at = attnum(desc, "created_at");
  a.updated_at = attnum(desc, "updated_at");
  return a;
}

ServiceRow read_service(HeapTuple t, TupleDesc d, const ServiceAttrs& a) {
  ServiceRow r;
  int_or_null(t, d, a.id, &r.id);
  r.title = text_or_null(t, d, a.title);
  r.service_type = text_or_null(t, d, a.service_type);
  r.priority = text_or_null(t, d, a.priority);
  r.status = text_or_null(t, d, a.status);
  r.has_workflow = int_or_null(t, d, a.workflow_id, &r.workflow_id);
  r.has_requester = int_or_null(t, d, a.requester_id, &r.requester_id);
  r.has_assignee = int_or_null(t, d, a.assignee_id, &r.assignee_id);
  r.stage = text_or_null(t, d, a.current_stage_id);
  r.has_sla = int_or_null(t, d, a.sla_id, &r.sla_id);
  bool isnull;
  Datum c = heap_getattr(t, a.created_at, d, &isnull);
  r.has_created_at = !isnull;
  if (!isnull) r.created_at = DatumGetTimestampTz(c);
  return r;
}

bool column_is_empty(HeapTuple t, TupleDesc d, const char* column, const char* key) {
  int att = SPI_fnumber(d, column);
  if (att <= 0) return true;
  bool isnull;
  Datum v = heap_getattr(t, att, d, &isnull);
  if (isnull) return true;
  Oid type = getBaseType(TupleDescAttr(d, att - 1)->atttypid);
  if (type == JSONBOID) {
    Jsonb* jb = DatumGetJsonbP(v);
    if (key != nullptr) {
      if (!JB_ROOT_IS_OBJECT(jb)) return true;
      JsonbValue found;
      JsonbValue* val = getKeyJsonValueFromContainer(&jb->root, key, std::strlen(key), &found);
      return val == nullptr || jsonb_value_empty(val);
    }
    if (JB_ROOT_IS_SCALAR(jb)) {
      JsonbValue scalar;
      JsonbExtractScalar(&jb->root, &scalar);
      return jsonb_value_empty(&scalar);
    }
    return JB_ROOT_COUNT(jb) == 0;
  }
  if (key != nullptr) return true;  // keys exist only in jsonb columns
  if (type == TEXTOID || type == VARCHAROID || type == BPCHAROID) {
    text* txt = DatumGetTextPP(v);
    return blank(VARDATA_ANY(txt), VARSIZE_ANY_EXHDR(txt));
  }
  if (type == JSONOID) {
    char* s = TextDatumGetCString(v);
    std::size_t n = std::strlen(s);
    while (n > 0 && std::isspace(static_cast<unsigned char>(s[n - 1]))) --n;
    const char* p = s;
    while (*p != '\0' && std::isspace(static_cast<unsigned char>(*p))) { ++p; --n; }
    return n == 0 || (n == 4 && std::strncmp(p, "null", 4) == 0) ||
           (n == 2 && (std::strncmp(p, "[]", 2) == 0 || std::strncmp(p, "{}", 2) == 0)) ||
           (n == 2 && std::strncmp(p, "\"\"", 2) == 0);
  }
  return false;
}

void notify(const char* payload) { Async_Notify("servicedesk", payload); }

void send_event(const std::string& payload) {
  const char* p = payload.c_str();
  pg_call([&] { notify(p); });
}

}  // namespace servicedesk::pg
