#include "flashback/collector.h"

#include <fmt/format.h>

#include <algorithm>

#include "binlog/ddl_check.h"
#include "binlog/row_change_json.h"
#include "flashback/spool_record.h"

namespace safeddl::flashback {
namespace {

std::string Position(std::string_view file, uint64_t offset) {
  return fmt::format("{}:{}", file, offset);
}

bool HasAbsent(const std::vector<bool>& columns) {
  return std::find(columns.begin(), columns.end(), false) != columns.end();
}

}  // namespace

Collector::Collector(CollectorOptions options, ReverseSpool& spool, TableInfoLookup lookup)
    : options_(std::move(options)), spool_(spool), lookup_(std::move(lookup)) {}

void Collector::OpenGroup(const binlog::Event& event, std::string_view file,
                          std::optional<binlog::Gtid> gtid, bool standalone) {
  group_.emplace();
  group_->gtid = gtid;
  group_->position = Position(file, event.offset);
  group_->timestamp = event.header.timestamp;
  group_->server_id = event.header.server_id;
  group_->standalone = standalone;
  group_->selected = GroupSelected(*group_);
}

bool Collector::GroupSelected(const Group& group) {
  const RangeFilter& f = options_.filter;
  if (done_) return false;
  if (f.server_id && group.server_id != *f.server_id) return false;
  if (f.start_time && group.timestamp < *f.start_time) return false;
  if (group.gtid) {
    if (f.start_after && group.gtid->domain_id == f.start_after->domain_id &&
        group.gtid->seq_no <= f.start_after->seq_no) {
      return false;
    }
    if (f.stop_after && group.gtid->domain_id == f.stop_after->domain_id &&
        group.gtid->seq_no > f.stop_after->seq_no) {
      done_ = true;
      return false;
    }
  }
  return true;
}

std::string Collector::Comment(const Group& group, bool with_rows) const {
  std::string out = group.gtid ? "GTID " + group.gtid->ToString() + " at " : "at ";
  out += group.position;
  out += ", " + binlog::FormatEventTime(group.timestamp);
  out += fmt::format(", server {}", group.server_id);
  if (group.thread_id) out += fmt::format(", thread {}", *group.thread_id);
  if (with_rows) out += fmt::format(", {} row{}", group.rows, group.rows == 1 ? "" : "s");
  return out;
}

Status Collector::Write(const SpoolRecord& record) {
  encoded_.clear();
  EncodeRecord(record, encoded_);
  return spool_.Append(encoded_);
}

Status Collector::CloseGroup() {
  std::optional<Group> group = std::move(group_);
  group_.reset();
  if (!group || !group->opened) return Status::OK();
  ++stats_.transactions;
  stats_.last_position = group->position;
  if (options_.filter.stop_after && group->gtid &&
      group->gtid->domain_id == options_.filter.stop_after->domain_id &&
      group->gtid->seq_no >= options_.filter.stop_after->seq_no) {
    done_ = true;
  }
  const std::string comment = Comment(*group, true);
  SpoolRecord record;
  record.type = RecordType::kClose;
  record.text = comment;
  return Write(record);
}

Status Collector::Add(const binlog::Event& event, std::string_view file) {
  if (event.offset == 0 || event.header.type == binlog::EventType::kHeartbeat) {
    return Status::OK();  // artificial events
  }
  if (const auto* gtid = event.As<binlog::GtidEvent>()) {
    if (group_) SAFEDDL_RETURN_IF_ERROR(CloseGroup());
    OpenGroup(event, file, gtid->gtid, gtid->standalone());
    if (options_.filter.stop_after && group_->gtid &&
        group_->gtid->domain_id == options_.filter.stop_after->domain_id &&
        group_->gtid->seq_no == options_.filter.stop_after->seq_no && gtid->standalone()) {
      done_ = true;  // a DDL is the stop GTID: nothing of it to undo
    }
    return Status::OK();
  }
  if (const auto* query = event.As<binlog::QueryEvent>()) {
    if (query->IsBegin()) {
      const bool after_gtid = group_ && group_->gtid && !group_->standalone && !group_->opened &&
                              group_->thread_id == std::nullopt;
      if (!after_gtid) {
        if (group_) SAFEDDL_RETURN_IF_ERROR(CloseGroup());
        OpenGroup(event, file, std::nullopt, false);
      }
      group_->thread_id = query->thread_id;
      if (options_.filter.thread_id && query->thread_id != *options_.filter.thread_id) {
        group_->selected = false;
      }
      return Status::OK();
    }
    if (!group_) return Status::OK();
    if (query->IsCommit() || query->IsRollback()) return CloseGroup();
    if (group_->standalone) {
      ddl_.push_back({Position(file, event.offset), group_->gtid ? group_->gtid->ToString() : "",
                      query->database, query->query});
      return CloseGroup();
    }
    return Status::OK();  // SAVEPOINT and the like inside a transaction
  }
  if (event.As<binlog::XidEvent>() != nullptr) {
    if (group_) return CloseGroup();
    return Status::OK();
  }
  if (const auto* rows = event.As<binlog::RowsEvent>()) {
    if (!group_ || !group_->selected || rows->table == nullptr || rows->rows.empty()) {
      return Status::OK();
    }
    return AddRows(*rows, event, file);
  }
  return Status::OK();
}

Result<Collector::TableState*> Collector::StateFor(
    const std::shared_ptr<const binlog::TableMapEvent>& table) {
  TableState& state = states_[table->table_id];
  if (state.table == table) return &state;
  state.table = table;
  state.selected = options_.filter.TableSelected(table->database, table->table);
  if (!state.selected) return &state;
  state.naming = binlog::ResolveColumnNaming(*table, nullptr);
  const bool need_names = !table->has_column_names || !table->has_signedness;
  const bool need_keys = state.naming.primary_key.empty();
  const TableInfo* info = nullptr;
  if ((need_names || need_keys || options_.for_execute) && lookup_) {
    const std::string key = table->database + "." + table->table;
    auto it = info_cache_.find(key);
    if (it == info_cache_.end()) {
      SAFEDDL_ASSIGN_OR_RETURN(TableInfo fetched, lookup_(table->database, table->table));
      it = info_cache_.emplace(key, std::move(fetched)).first;
    }
    info = &it->second;
  }
  if (need_names && info != nullptr && info->columns) {
    state.naming = binlog::ResolveColumnNaming(*table, &*info->columns);
  }
  static const std::vector<UniqueKey> kNoKeys;
  Result<TableTarget> target =
      MakeTableTarget(*table, state.naming, info != nullptr ? info->unique_keys : kNoKeys);
  if (!target.ok()) {
    state.target = target.status();
    return &state;
  }
  target->order_sensitive = info != nullptr && info->order_sensitive;
  state.target = Intern(*std::move(target));
  return &state;
}

uint32_t Collector::Intern(TableTarget target) {
  std::string key = target.quoted;
  for (size_t i = 0; i < target.columns.size(); ++i) {
    key += fmt::format("|{}{}", target.comparable[i] ? '=' : '~', target.columns[i]);
  }
  key += fmt::format("|{}|{}|{}|", static_cast<int>(target.locator.kind), target.key_index,
                     target.order_sensitive);
  for (uint32_t c : target.locator.columns) key += fmt::format("{},", c);
  const auto [it, inserted] = target_index_.try_emplace(key, targets_.size());
  if (inserted) targets_.push_back(std::move(target));
  return it->second;
}

Status Collector::AddRows(const binlog::RowsEvent& rows, const binlog::Event& event,
                          std::string_view file) {
  SAFEDDL_ASSIGN_OR_RETURN(TableState * state, StateFor(rows.table));
  if (!state->selected) return Status::OK();
  const OpKind original = OriginalKind(rows.kind);
  if (!options_.filter.KindSelected(original)) return Status::OK();
  const std::string where = Position(file, event.offset);
  if (HasAbsent(rows.before_columns) || HasAbsent(rows.after_columns)) {
    return UnsupportedError(fmt::format(
        "the row image of {}.{} at {} is not FULL (binlog_row_image=MINIMAL or NOBLOB): the "
        "rows cannot be restored exactly",
        rows.table->database, rows.table->table, where));
  }
  if (!state->target.ok()) return state->target.status();
  const uint32_t index = *state->target;
  const TableTarget& target = targets_[index];
  auto [it, inserted] = tables_.try_emplace({rows.table->database, rows.table->table});
  if (inserted) it->second = DescribeLocator(target.locator, target.quoted, state->naming);
  if (!group_->opened) {
    group_->opened = true;
    if (stats_.first_position.empty()) stats_.first_position = group_->position;
    const std::string comment = Comment(*group_, false);
    SpoolRecord open;
    open.type = RecordType::kOpen;
    open.text = comment;
    SAFEDDL_RETURN_IF_ERROR(Write(open));
  }
  for (const binlog::RowChange& change : rows.rows) {
    SAFEDDL_RETURN_IF_ERROR(WriteRow(target, index, rows, state->naming, change, where));
    ++group_->rows;
    ++stats_.rows;
    switch (original) {
      case OpKind::kInsert:
        ++stats_.inserts;
        break;
      case OpKind::kUpdate:
        ++stats_.updates;
        break;
      case OpKind::kDelete:
        ++stats_.deletes;
        break;
    }
  }
  return Status::OK();
}

Status Collector::WriteRow(const TableTarget& target, uint32_t index, const binlog::RowsEvent& rows,
                           const binlog::ColumnNaming& naming, const binlog::RowChange& change,
                           const std::string& position) {
  const RowOp op = MakeRowOp(rows.kind, change, options_.direction);
  SpoolRecord record;
  record.op.kind = op.kind;
  if (op.current != nullptr) {
    SAFEDDL_RETURN_IF_ERROR(ImageLiterals(naming, *op.current, current_));
    record.op.current.assign(current_.begin(), current_.end());
  }
  if (op.target != nullptr) {
    SAFEDDL_RETURN_IF_ERROR(ImageLiterals(naming, *op.target, target_));
    record.op.target.assign(target_.begin(), target_.end());
  }
  if (!options_.for_execute) {
    SAFEDDL_ASSIGN_OR_RETURN(const std::string text, RowOpSql(target, record.op));
    SpoolRecord statement;
    statement.type = RecordType::kStatement;
    statement.text = text;
    return Write(statement);
  }
  record.type = RecordType::kChange;
  record.table = index;
  record.original = OriginalKind(rows.kind);
  record.position = position;
  return Write(record);
}

Status Collector::Finish() {
  if (group_ && group_->opened) {
    return FailedPreconditionError(fmt::format(
        "the range ends inside the transaction {} that has selected row changes: end the range "
        "at a transaction boundary",
        Comment(*group_, false)));
  }
  group_.reset();
  return Status::OK();
}

std::vector<DdlStatement> Collector::ConflictingDdl() const {
  std::vector<DdlStatement> out;
  for (const DdlStatement& ddl : ddl_) {
    for (const auto& [name, description] : tables_) {
      if (binlog::StatementTouchesTable(ddl.statement, ddl.database, name.first, name.second)) {
        out.push_back(ddl);
        break;
      }
    }
  }
  return out;
}

}  // namespace safeddl::flashback
