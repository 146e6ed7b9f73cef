#include "mysql/result_set.h"

#include <cstdlib>

#include "common/strings.h"

namespace safeddl::mysql {

Value Row::Get(std::string_view name) const {
  for (size_t i = 0; i < columns_->size() && i < values_.size(); ++i) {
    if (EqualsIgnoreCase((*columns_)[i], name)) return values_[i];
  }
  return std::nullopt;
}

std::string Row::GetString(std::string_view name, std::string_view fallback) const {
  Value v = Get(name);
  return v ? *v : std::string(fallback);
}

std::optional<long long> Row::GetInt(std::string_view name) const {
  Value v = Get(name);
  if (!v) return std::nullopt;
  return ParseInt64(TrimWhitespace(*v));
}

std::optional<unsigned long long> Row::GetUint(std::string_view name) const {
  Value v = Get(name);
  if (!v) return std::nullopt;
  return ParseUint64(TrimWhitespace(*v));
}

std::optional<double> Row::GetDouble(std::string_view name) const {
  Value v = Get(name);
  if (!v || v->empty()) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(v->c_str(), &end);
  if (end != v->c_str() + v->size()) return std::nullopt;
  return d;
}

}  // namespace safeddl::mysql
