#include "schema/alter_lexer.h"

#include "common/strings.h"

namespace safeddl::schema {
namespace {

bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || c >= 0x80;  // bytes of UTF-8 multi-byte characters
}

bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : in_(text) {}

  Result<LexedAlter> Run() {
    while (pos_ < in_.size()) {
      const unsigned char c = static_cast<unsigned char>(in_[pos_]);
      if (IsSpace(c)) {
        out_.clean_text.push_back(static_cast<char>(c));
        ++pos_;
      } else if (c == '#' || IsDashDashComment()) {
        SkipLineComment();
      } else if (c == '/' && Peek(1) == '*') {
        SAFEDDL_RETURN_IF_ERROR(OpenBlockComment());
      } else if (c == '*' && Peek(1) == '/' && in_executable_comment_) {
        in_executable_comment_ = false;
        Blank(2);
      } else if (c == '`') {
        SAFEDDL_RETURN_IF_ERROR(QuotedIdentifier());
      } else if (c == '\'' || c == '"') {
        SAFEDDL_RETURN_IF_ERROR(StringLiteral(static_cast<char>(c)));
      } else if (IsWordByte(c)) {
        Word();
      } else {
        Emit(TokenKind::kSymbol, std::string(1, static_cast<char>(c)), 1);
      }
    }
    if (in_executable_comment_) {
      return InvalidArgumentError("unterminated comment (/*! without */) in the ALTER");
    }
    return std::move(out_);
  }

 private:
  char Peek(size_t ahead) const { return pos_ + ahead < in_.size() ? in_[pos_ + ahead] : '\0'; }

  // MySQL starts a comment at "--" only when a space or control character (or the end) follows.
  bool IsDashDashComment() const {
    if (in_[pos_] != '-' || Peek(1) != '-') return false;
    if (pos_ + 2 >= in_.size()) return true;
    const unsigned char next = static_cast<unsigned char>(in_[pos_ + 2]);
    return next <= ' ';
  }

  // Replaces `n` input bytes by one space in the clean text.
  void Blank(size_t n) {
    pos_ += n;
    out_.clean_text.push_back(' ');
  }

  void Emit(TokenKind kind, std::string text, size_t length) {
    Token t;
    t.kind = kind;
    t.text = std::move(text);
    t.begin = out_.clean_text.size();
    out_.clean_text.append(in_.substr(pos_, length));
    t.end = out_.clean_text.size();
    pos_ += length;
    out_.tokens.push_back(std::move(t));
  }

  void SkipLineComment() {
    size_t end = in_.find('\n', pos_);
    if (end == std::string_view::npos) end = in_.size();
    Blank(end - pos_);
  }

  Status OpenBlockComment() {
    // "/*!" and MariaDB's "/*M!" hold SQL that the server executes: keep their content.
    size_t marker = 0;
    if (Peek(2) == '!') {
      marker = 3;
    } else if (Peek(2) == 'M' && Peek(3) == '!') {
      marker = 4;
    }
    if (marker > 0) {
      if (in_executable_comment_) {
        return InvalidArgumentError("nested /*! comments in the ALTER");
      }
      while (IsDigit(static_cast<unsigned char>(Peek(marker)))) ++marker;  // version number
      in_executable_comment_ = true;
      Blank(marker);
      return Status::OK();
    }
    const size_t end = in_.find("*/", pos_ + 2);
    if (end == std::string_view::npos) {
      return InvalidArgumentError("unterminated comment (/* without */) in the ALTER");
    }
    Blank(end + 2 - pos_);
    return Status::OK();
  }

  Status QuotedIdentifier() {
    std::string name;
    size_t i = pos_ + 1;
    while (true) {
      if (i >= in_.size()) {
        return InvalidArgumentError(
            "unterminated quoted identifier (` without closing `) in the ALTER");
      }
      if (in_[i] == '`') {
        if (i + 1 < in_.size() && in_[i + 1] == '`') {
          name.push_back('`');
          i += 2;
          continue;
        }
        break;
      }
      name.push_back(in_[i]);
      ++i;
    }
    Emit(TokenKind::kQuotedIdentifier, std::move(name), i + 1 - pos_);
    return Status::OK();
  }

  Status StringLiteral(char quote) {
    size_t i = pos_ + 1;
    while (true) {
      if (i >= in_.size()) {
        return InvalidArgumentError(std::string("unterminated string (") + quote +
                                    " without closing " + quote + ") in the ALTER");
      }
      if (in_[i] == '\\') {
        i += 2;
        continue;
      }
      if (in_[i] == quote) {
        if (i + 1 < in_.size() && in_[i + 1] == quote) {
          i += 2;
          continue;
        }
        break;
      }
      ++i;
    }
    const size_t length = i + 1 - pos_;
    Emit(TokenKind::kString, std::string(in_.substr(pos_, length)), length);
    return Status::OK();
  }

  void Word() {
    size_t i = pos_;
    while (i < in_.size() && IsWordByte(static_cast<unsigned char>(in_[i]))) ++i;
    Emit(TokenKind::kWord, std::string(in_.substr(pos_, i - pos_)), i - pos_);
  }

  std::string_view in_;
  size_t pos_ = 0;
  bool in_executable_comment_ = false;
  LexedAlter out_;
};

}  // namespace

bool Token::IsWord(std::string_view keyword) const {
  return kind == TokenKind::kWord && EqualsIgnoreCase(text, keyword);
}

Result<LexedAlter> LexAlter(std::string_view text) { return Lexer(text).Run(); }

}  // namespace safeddl::schema
