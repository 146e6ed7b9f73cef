#include "schema/alter_lexer.h"

#include <gtest/gtest.h>

namespace safeddl::schema {
namespace {

std::vector<std::string> Texts(const LexedAlter& lexed) {
  std::vector<std::string> out;
  for (const Token& t : lexed.tokens) out.push_back(t.text);
  return out;
}

TEST(AlterLexerTest, SplitsWordsSymbolsAndQuotedNames) {
  auto lexed = LexAlter("ADD COLUMN `a``b c` INT(10),DROP x");
  ASSERT_TRUE(lexed.ok()) << lexed.status().ToString();
  EXPECT_EQ(Texts(*lexed), (std::vector<std::string>{"ADD", "COLUMN", "a`b c", "INT", "(", "10",
                                                     ")", ",", "DROP", "x"}));
  EXPECT_EQ(lexed->tokens[2].kind, TokenKind::kQuotedIdentifier);
  EXPECT_EQ(lexed->tokens[4].kind, TokenKind::kSymbol);
  EXPECT_TRUE(lexed->tokens[0].IsWord("add"));
  EXPECT_FALSE(lexed->tokens[2].IsWord("a`b c"));
}

TEST(AlterLexerTest, StringsKeepSemicolonsCommasAndEscapes) {
  auto lexed = LexAlter(R"(ADD c INT DEFAULT 'a;b,''c\'d', ADD e TEXT COMMENT "x;""y")");
  ASSERT_TRUE(lexed.ok()) << lexed.status().ToString();
  ASSERT_EQ(lexed->tokens.size(), 11u);
  EXPECT_EQ(lexed->tokens[4].kind, TokenKind::kString);
  EXPECT_EQ(lexed->tokens[4].text, R"('a;b,''c\'d')");
  EXPECT_EQ(lexed->tokens[10].text, R"("x;""y")");
}

TEST(AlterLexerTest, CommentsBecomeSpaces) {
  auto lexed = LexAlter("ADD a INT -- note, DROP b\n, /* c, d */ DROP e # tail ; x\n");
  ASSERT_TRUE(lexed.ok()) << lexed.status().ToString();
  EXPECT_EQ(Texts(*lexed), (std::vector<std::string>{"ADD", "a", "INT", ",", "DROP", "e"}));
  EXPECT_EQ(lexed->clean_text.find("note"), std::string::npos);
  EXPECT_EQ(lexed->clean_text.find("--"), std::string::npos);
  EXPECT_EQ(lexed->clean_text.find("tail"), std::string::npos);
}

TEST(AlterLexerTest, DoubleDashNeedsASpaceToStartAComment) {
  auto lexed = LexAlter("ADD a INT DEFAULT 1--1");
  ASSERT_TRUE(lexed.ok());
  EXPECT_EQ(lexed->tokens.size(), 8u);  // ADD a INT DEFAULT 1 - - 1
}

TEST(AlterLexerTest, ExecutableCommentsAreLexedAsSql) {
  auto lexed = LexAlter("ADD a INT /*!50100 , DROP b */ /*M!100100 , DROP c */");
  ASSERT_TRUE(lexed.ok()) << lexed.status().ToString();
  EXPECT_EQ(Texts(*lexed),
            (std::vector<std::string>{"ADD", "a", "INT", ",", "DROP", "b", ",", "DROP", "c"}));
  EXPECT_EQ(lexed->clean_text.find("/*"), std::string::npos);
  EXPECT_EQ(lexed->clean_text.find("*/"), std::string::npos);
}

TEST(AlterLexerTest, TokenOffsetsPointIntoCleanText) {
  auto lexed = LexAlter("/* x */ADD `q` INT");
  ASSERT_TRUE(lexed.ok());
  const Token& q = lexed->tokens[1];
  EXPECT_EQ(lexed->clean_text.substr(q.begin, q.end - q.begin), "`q`");
}

TEST(AlterLexerTest, UnicodeWords) {
  auto lexed = LexAlter("DROP tä_blé");
  ASSERT_TRUE(lexed.ok());
  ASSERT_EQ(lexed->tokens.size(), 2u);
  EXPECT_EQ(lexed->tokens[1].text, "tä_blé");
}

TEST(AlterLexerTest, UnterminatedThingsAreInvalidArgument) {
  for (const char* text : {"ADD c INT DEFAULT 'x", "DROP `x", "ADD c /* open", "ADD c '\\'",
                           "ADD c INT /*!50100 DROP d", "ADD c TEXT DEFAULT \"x"}) {
    auto lexed = LexAlter(text);
    ASSERT_FALSE(lexed.ok()) << text;
    EXPECT_EQ(lexed.status().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_NE(lexed.status().message().find("unterminated"), std::string::npos)
        << lexed.status().message();
  }
}

TEST(AlterLexerTest, EmptyInput) {
  auto lexed = LexAlter("  \n -- nothing\n");
  ASSERT_TRUE(lexed.ok());
  EXPECT_TRUE(lexed->tokens.empty());
}

}  // namespace
}  // namespace safeddl::schema
