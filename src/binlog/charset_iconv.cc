#include "binlog/charset_iconv.h"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <span>

#include "binlog/charset.h"

namespace safeddl::binlog {

namespace {

// How the bytes of a charset group into characters, as far as the overrides need to know.
enum class Framing : uint8_t {
  kNone,        // no overrides, no C1 check (UCS-2, UTF-16, UTF-32)
  kDoubleByte,  // a lead byte 0x81..0xfe and one more
  kSjis,        // as kDoubleByte, but 0xa1..0xdf are single (half-width katakana)
  kEucJp,       // 0x8f and two more, 0x8e/0xa1..0xfe and one more
};

constexpr uint32_t kNotACharacter = 0xFFFFFFFF;

// A character (its bytes read as a big-endian number) whose meaning on the server differs from
// glibc's: characters first..last are code points code_point.. (kNotACharacter: none, the
// server shows '?').
struct Override {
  uint32_t first, last;
  uint32_t code_point;
};

// Found by comparing glibc with MariaDB 10.11.19's CONVERT(CONVERT(x USING cs) USING utf8mb4)
// for every one- and two-byte x (and 0x8f + two bytes for ujis): these are all the characters
// where both give one and they differ, and where glibc gives one the server does not have
// (except C1 controls, see IsCjk). Where the server has a character glibc lacks (the user-defined
// rows of ujis, surrogate halves of ucs2/utf32), the value shows as hex.
constexpr Override kBig5Overrides[] = {
    {0xA145, 0xA145, 0x2022},         {0xA14E, 0xA14E, 0xFF64},
    {0xA15A, 0xA15A, 0xFFFD},         {0xA1C2, 0xA1C2, 0x203E},
    {0xA1C3, 0xA1C3, 0xFFFD},         {0xA1C5, 0xA1C5, 0xFFFD},
    {0xA1E3, 0xA1E3, 0x223C},         {0xA1F2, 0xA1F2, 0x2641},
    {0xA1F3, 0xA1F3, 0x2609},         {0xA1FE, 0xA1FE, 0xFFFD},
    {0xA240, 0xA240, 0xFFFD},         {0xA241, 0xA241, 0xFF0F},
    {0xA242, 0xA242, 0xFF3C},         {0xA244, 0xA244, 0x00A5},
    {0xA246, 0xA247, 0x00A2},         {0xA2CC, 0xA2CC, 0xFFFD},
    {0xA2CE, 0xA2CE, 0xFFFD},         {0xA3E1, 0xA3E1, kNotACharacter},
    {0xC6A1, 0xC6A1, 0x30FE},         {0xC6A2, 0xC6A3, 0x309D},
    {0xC6A4, 0xC6A4, 0x3005},         {0xC6A5, 0xC6F7, 0x3041},
    {0xC6F8, 0xC6FE, 0x30A1},         {0xC740, 0xC77E, 0x30A8},
    {0xC7A1, 0xC7B0, 0x30E7},         {0xC7B1, 0xC7B2, 0x0414},
    {0xC7B3, 0xC7B3, 0x0401},         {0xC7B4, 0xC7BA, 0x0416},
    {0xC7BB, 0xC7CD, 0x0423},         {0xC7CE, 0xC7CE, 0x0451},
    {0xC7CF, 0xC7E8, 0x0436},         {0xC7E9, 0xC7F2, 0x2460},
    {0xC7F3, 0xC7FC, 0x2474},         {0xC7FD, 0xC7FE, kNotACharacter},
    {0xC840, 0xC87E, kNotACharacter}, {0xC8A1, 0xC8FE, kNotACharacter},
    {0xF9DD, 0xF9FE, kNotACharacter},
};
// glibc's SJIS reads 0x5c as YEN SIGN and 0x7e as OVERLINE; the server as ASCII.
constexpr Override kSjisOverrides[] = {
    {0x5C, 0x5C, 0x5C}, {0x7E, 0x7E, 0x7E}, {0x815F, 0x815F, 0x5C}};
constexpr Override kUjisOverrides[] = {{0xA1C0, 0xA1C0, 0x5C}, {0x8FA2B7, 0x8FA2B7, 0x7E}};
constexpr Override kGbkOverrides[] = {{0x80, 0x80, kNotACharacter}};

struct MultiByteInfo {
  const char* iconv_name;
  Framing framing;
  std::span<const Override> overrides;  // sorted by first
};

// Indexed by MultiByteCharset.
constexpr MultiByteInfo kInfos[] = {
    {"BIG5", Framing::kDoubleByte, kBig5Overrides},
    {"EUC-JP", Framing::kEucJp, kUjisOverrides},
    {"SJIS", Framing::kSjis, kSjisOverrides},
    {"CP949", Framing::kDoubleByte, {}},  // MariaDB's euckr has CP949's extensions
    {"EUC-CN", Framing::kDoubleByte, {}},
    {"GBK", Framing::kDoubleByte, kGbkOverrides},
    {"UCS-2BE", Framing::kNone, {}},
    {"UTF-16BE", Framing::kNone, {}},
    {"UTF-16LE", Framing::kNone, {}},
    {"UTF-32BE", Framing::kNone, {}},
    {"CP932", Framing::kSjis, {}},
    {"EUC-JP-MS", Framing::kEucJp, {}},
};
constexpr size_t kCount = std::size(kInfos);

// This thread's converters, opened on first use.
class Converters {
 public:
  Converters() { cds_.fill(kNotOpened); }
  ~Converters() {
    for (iconv_t cd : cds_) {
      if (cd != kNotOpened && cd != kUnavailable) iconv_close(cd);
    }
  }
  Converters(const Converters&) = delete;
  Converters& operator=(const Converters&) = delete;

  // kUnavailable when iconv has no such converter.
  iconv_t Get(MultiByteCharset charset) {
    iconv_t& cd = cds_[static_cast<size_t>(charset)];
    if (cd == kNotOpened) cd = iconv_open("UTF-8", kInfos[static_cast<size_t>(charset)].iconv_name);
    return cd;
  }

  static inline const iconv_t kNotOpened = nullptr;
  static inline const iconv_t kUnavailable = reinterpret_cast<iconv_t>(-1);  // as iconv_open

 private:
  std::array<iconv_t, kCount> cds_;
};

// No charset here turns n bytes into more than 3n bytes of UTF-8 (UCS-2: 2 into 3, UTF-16 and
// UTF-32: 4 into at most 4, the CJK ones: 2 or 3 into at most 3).
constexpr size_t kMaxUtf8PerByte = 3;
constexpr size_t kOutputSlack = 8;

// Appends `bytes` converted by `cd`; false when they do not convert.
bool AppendConverted(iconv_t cd, std::string_view bytes, std::string& out) {
  if (bytes.empty()) return true;
  iconv(cd, nullptr, nullptr, nullptr, nullptr);  // back to the initial state
  const size_t start = out.size();
  out.resize(start + bytes.size() * kMaxUtf8PerByte + kOutputSlack);
  char* in = const_cast<char*>(bytes.data());  // iconv's signature; it does not write there
  size_t in_left = bytes.size();
  char* to = out.data() + start;
  size_t to_left = out.size() - start;
  // EILSEQ (invalid), EINVAL (cut short) and E2BIG (cannot happen, see above) alike.
  const bool ok = iconv(cd, &in, &in_left, &to, &to_left) != static_cast<size_t>(-1) &&
                  iconv(cd, nullptr, nullptr, &to, &to_left) != static_cast<size_t>(-1);
  out.resize(out.size() - to_left);
  return ok;
}

// Bytes of the character that starts with `lead`.
size_t CharLength(Framing framing, uint8_t lead) {
  constexpr uint8_t kFirstLead = 0x81, kLastLead = 0xFE;
  if (lead < kFirstLead || lead > kLastLead) return 1;
  switch (framing) {
    case Framing::kSjis:
      return lead >= 0xA1 && lead <= 0xDF ? 1 : 2;
    case Framing::kEucJp:
      return lead == 0x8F ? 3 : 2;
    case Framing::kDoubleByte:
    case Framing::kNone:
      break;
  }
  return 2;
}

const Override* FindOverride(std::span<const Override> overrides, uint32_t code) {
  auto it = std::upper_bound(overrides.begin(), overrides.end(), code,
                             [](uint32_t c, const Override& o) { return c < o.first; });
  if (it == overrides.begin() || code > (it - 1)->last) return nullptr;
  return &*(it - 1);
}

// glibc passes stray bytes 0x80..0x9f of the CJK charsets through as C1 controls; the server
// has no character for them.
bool HasC1Control(std::string_view utf8) {
  for (size_t i = 0; i + 1 < utf8.size(); ++i) {
    if (static_cast<uint8_t>(utf8[i]) == 0xC2 && static_cast<uint8_t>(utf8[i + 1]) < 0xA0) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<std::string> MultiByteToUtf8(MultiByteCharset charset, std::string_view bytes) {
  thread_local Converters converters;
  const MultiByteInfo& info = kInfos[static_cast<size_t>(charset)];
  iconv_t cd = converters.Get(charset);
  if (cd == Converters::kUnavailable) return std::nullopt;
  std::string out;
  size_t run = 0;  // start of the bytes not converted yet
  if (!info.overrides.empty()) {
    for (size_t i = 0; i < bytes.size();) {
      const size_t n =
          std::min(CharLength(info.framing, static_cast<uint8_t>(bytes[i])), bytes.size() - i);
      uint32_t code = 0;
      for (size_t k = 0; k < n; ++k) code = code << 8 | static_cast<uint8_t>(bytes[i + k]);
      const Override* o = FindOverride(info.overrides, code);
      if (o != nullptr) {
        if (o->code_point == kNotACharacter) return std::nullopt;
        if (!AppendConverted(cd, bytes.substr(run, i - run), out)) return std::nullopt;
        AppendUtf8(out, o->code_point + (code - o->first));
        run = i + n;
      }
      i += n;
    }
  }
  if (!AppendConverted(cd, bytes.substr(run), out)) return std::nullopt;
  if (info.framing != Framing::kNone && HasC1Control(out)) return std::nullopt;
  return out;
}

}  // namespace safeddl::binlog
