#include "c_preprocessor.hpp"

#include "diagnostics.hpp"

#include <algorithm>
#include <deque>
#include <filesystem>

namespace sel4_bindgen::c {

namespace {

constexpr int max_include_depth = 64;

[[noreturn]] void fail(const Token &at, const std::string &what) { throw InputError(*at.file, at.line, what); }

// Whether two replacement lists are the same, as C requires of a redefinition.
bool same_body(const std::vector<Token> &a, const std::vector<Token> &b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [&](const Token &x, const Token &y) {
        return x.text == y.text && (&x == &a.front() || x.space_before == y.space_before);
    });
}

Token stringized(const std::vector<Token> &argument, const Token &at) {
    std::string text = "\"";
    for (const Token &token : argument) {
        if (&token != &argument.front() && token.space_before)
            text += ' ';
        for (char c : token.text) {
            if ((token.kind == TokenKind::String || token.kind == TokenKind::Character) && (c == '"' || c == '\\'))
                text += '\\';
            text += c;
        }
    }
    return Token{TokenKind::String, text + "\"", at.file, at.line, false, at.space_before, {}};
}

Token pasted(const Token &left, const Token &right, const Token &at) {
    if (left.kind == TokenKind::Placemarker)
        return right;
    if (right.kind == TokenKind::Placemarker)
        return left;
    std::vector<Token> glued = lex(left.text + right.text, *at.file);
    if (glued.size() != 1)
        fail(at, "pasting '" + left.text + "' and '" + right.text + "' does not give one token");
    Token token = glued.front();
    token.file = at.file;
    token.line = at.line;
    token.space_before = left.space_before;
    return token;
}

} // namespace

FileSource directory_source(const std::string &include_dir) {
    return [include_dir](const std::string &relative) -> std::optional<SourceFile> {
        std::string path = (std::filesystem::path(include_dir) / relative).lexically_normal();
        if (!std::filesystem::is_regular_file(path))
            return std::nullopt;
        return SourceFile{path, read_text_file(path)};
    };
}

void Preprocessor::predefine(const std::string &name, const std::string &body, const std::string &origin) {
    std::vector<Token> tokens = lex("define " + name + " " + body, origin);
    Token directive{TokenKind::Punctuator, "#", tokens.front().file, 0, true, false, {}};
    define(std::span<const Token>(tokens).subspan(1), directive);
}

std::vector<Token> Preprocessor::read(const std::string &relative) {
    std::vector<Token> out;
    if (!read_file(relative, out, 0))
        throw InputError(relative, 0, "not found in the include directory");
    return out;
}

bool Preprocessor::read_file(const std::string &relative, std::vector<Token> &out, int depth) {
    if (once_.count(relative))
        return true;
    std::optional<SourceFile> file = source_(relative);
    if (!file)
        return false;
    if (opened_.insert(relative).second)
        files_.emplace_back(relative, file->path);
    const std::vector<Token> tokens = lex(file->text, file->path);

    std::vector<Conditional> stack;
    std::vector<Token> pending; // active text lines not yet expanded
    auto active = [&] { return stack.empty() || stack.back().active; };
    auto flush = [&] {
        std::vector<Token> expanded = expand(std::move(pending));
        out.insert(out.end(), std::make_move_iterator(expanded.begin()), std::make_move_iterator(expanded.end()));
        pending.clear();
    };

    for (std::size_t i = 0; i < tokens.size();) {
        std::size_t end = i + 1;
        while (end < tokens.size() && !tokens[end].line_start)
            ++end;
        const Token &first = tokens[i];
        if (!(first.line_start && first.is("#"))) {
            if (active())
                pending.insert(pending.end(), tokens.begin() + i, tokens.begin() + end);
            i = end;
            continue;
        }
        std::span<const Token> line(tokens.begin() + i + 1, tokens.begin() + end);
        i = end;
        if (line.empty()) // the null directive
            continue;
        const Token &name = line.front();
        const std::string &directive = name.text;
        std::span<const Token> rest = line.subspan(1);
        if (directive == "if" || directive == "ifdef" || directive == "ifndef") {
            bool parent = active();
            bool value = false;
            if (parent) {
                if (directive == "if")
                    value = condition(rest, name);
                else if (rest.size() != 1 || rest.front().kind != TokenKind::Identifier)
                    fail(name, "#" + directive + " needs one macro name");
                else
                    value = macros_.count(rest.front().text) == (directive == "ifdef" ? 1u : 0u);
            }
            stack.push_back({parent, value || !parent, value, false, name.line});
        } else if (directive == "elif" || directive == "else" || directive == "endif") {
            if (stack.empty())
                fail(name, "#" + directive + " without #if");
            Conditional &top = stack.back();
            if (directive == "endif") {
                stack.pop_back();
                continue;
            }
            if (top.seen_else)
                fail(name, "#" + directive + " after #else");
            top.seen_else = directive == "else";
            top.active = !top.taken && (directive == "else" || condition(rest, name));
            top.taken = top.taken || top.active;
        } else if (!active()) {
            continue; // anything may stand in a skipped region
        } else if (directive == "define" || directive == "undef") {
            flush();
            if (directive == "define")
                define(rest, name);
            else if (rest.size() != 1 || rest.front().kind != TokenKind::Identifier)
                fail(name, "#undef needs one macro name");
            else
                macros_.erase(rest.front().text);
        } else if (directive == "include") {
            std::string included;
            bool quoted = rest.size() == 1 && rest.front().kind == TokenKind::String;
            if (quoted)
                included = rest.front().text.substr(1, rest.front().text.size() - 2);
            else if (rest.size() >= 3 && rest.front().is("<") && rest.back().is(">"))
                for (const Token &token : rest.subspan(1, rest.size() - 2))
                    included += token.text;
            else
                fail(name, "#include needs <file> or \"file\"");
            if (depth >= max_include_depth)
                fail(name, "#include nested more than " + std::to_string(max_include_depth) + " deep");
            flush();
            // "file" is looked for beside the including file first.
            std::string beside = std::filesystem::path(relative).parent_path().append(included).lexically_normal();
            if (!(quoted && read_file(beside, out, depth + 1)) && !read_file(included, out, depth + 1))
                fail(name, "#include " + spelling(rest) + ": no such file in the include directory");
        } else if (directive == "error") {
            fail(name, "#error " + spelling(rest));
        } else if (directive == "pragma") {
            if (rest.size() == 1 && rest.front().is_identifier("once"))
                once_.insert(relative);
            // Other pragmas do not change what the headers define.
        } else {
            fail(name, "unsupported directive #" + directive);
        }
    }
    if (!stack.empty())
        throw InputError(file->path, stack.back().line, "#if without #endif");
    flush();
    return true;
}

void Preprocessor::define(std::span<const Token> tokens, const Token &directive) {
    if (tokens.empty() || tokens.front().kind != TokenKind::Identifier)
        fail(directive, "#define needs a macro name");
    const Token &name = tokens.front();
    if (name.text == "defined")
        fail(name, "'defined' cannot be a macro name");
    Macro macro{false, {}, {}, *name.file, name.line};
    std::size_t i = 1;
    if (i < tokens.size() && tokens[i].is("(") && !tokens[i].space_before) {
        macro.function_like = true;
        bool empty = ++i < tokens.size() && tokens[i].is(")");
        for (i += empty ? 1 : 0; !empty;) {
            if (i >= tokens.size())
                fail(name, "unterminated parameter list of macro " + name.text);
            const Token &parameter = tokens[i++];
            if (parameter.is("..."))
                fail(parameter, "variadic macros are not supported");
            if (parameter.kind != TokenKind::Identifier ||
                std::count(macro.parameters.begin(), macro.parameters.end(), parameter.text))
                fail(parameter, "bad parameter '" + parameter.text + "' of macro " + name.text);
            macro.parameters.push_back(parameter.text);
            if (i < tokens.size() && (tokens[i].is(")") || tokens[i].is(","))) {
                if (tokens[i++].is(")"))
                    break;
            } else {
                fail(parameter, "expected ',' or ')' after parameter '" + parameter.text + "' of macro " + name.text);
            }
        }
    }
    macro.body.assign(tokens.begin() + i, tokens.end());
    if (!macro.body.empty()) {
        macro.body.front().space_before = false;
        if (macro.body.front().is("##") || macro.body.back().is("##"))
            fail(name, "'##' at either end of macro " + name.text);
    }
    for (std::size_t k = 0; macro.function_like && k < macro.body.size(); ++k)
        if (macro.body[k].is("#") &&
            (k + 1 == macro.body.size() ||
             !std::count(macro.parameters.begin(), macro.parameters.end(), macro.body[k + 1].text)))
            fail(macro.body[k], "'#' is not followed by a parameter of macro " + name.text);
    if (auto it = macros_.find(name.text); it != macros_.end()) {
        const Macro &old = it->second;
        if (old.function_like != macro.function_like || old.parameters != macro.parameters || !same_body(old.body, macro.body))
            fail(name, "macro " + name.text + " redefined differently (first defined at " + old.file + ":" +
                           std::to_string(old.line) + ")");
        return;
    }
    macros_.emplace(name.text, std::move(macro));
}

bool Preprocessor::condition(std::span<const Token> tokens, const Token &directive) const {
    std::vector<Token> replaced;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (!tokens[i].is_identifier("defined")) {
            replaced.push_back(tokens[i]);
            continue;
        }
        bool parenthesized = i + 1 < tokens.size() && tokens[i + 1].is("(");
        std::size_t at = i + (parenthesized ? 2 : 1);
        if (at >= tokens.size() || tokens[at].kind != TokenKind::Identifier ||
            (parenthesized && (at + 1 >= tokens.size() || !tokens[at + 1].is(")"))))
            fail(tokens[i], "'defined' needs a macro name");
        Token value = tokens[i];
        value.kind = TokenKind::Number;
        value.text = macros_.count(tokens[at].text) ? "1" : "0";
        replaced.push_back(value);
        i = at + (parenthesized ? 1 : 0);
    }
    std::vector<Token> expanded = expand(std::move(replaced));
    try {
        return evaluate(expanded, Environment{model_, true, nullptr, nullptr}).bits != 0;
    } catch (const ExpressionError &error) {
        fail(directive, "#" + directive.text + " " + spelling(tokens) + ": " + error.what());
    }
}

std::vector<Token> Preprocessor::expand(std::vector<Token> tokens) const {
    std::vector<Token> out;
    std::deque<Token> input(std::make_move_iterator(tokens.begin()), std::make_move_iterator(tokens.end()));
    while (!input.empty()) {
        Token token = std::move(input.front());
        input.pop_front();
        auto it = token.kind == TokenKind::Identifier ? macros_.find(token.text) : macros_.end();
        if (it == macros_.end() || token.hide.count(token.text)) {
            out.push_back(std::move(token));
            continue;
        }
        const Macro &macro = it->second;
        std::set<std::string> hide = token.hide;
        std::vector<std::vector<Token>> arguments;
        if (macro.function_like) {
            if (input.empty() || !input.front().is("(")) { // the name alone is no invocation
                out.push_back(std::move(token));
                continue;
            }
            input.pop_front();
            arguments.emplace_back();
            for (int depth = 1;;) {
                if (input.empty())
                    fail(token, "unterminated invocation of macro " + token.text);
                Token next = std::move(input.front());
                input.pop_front();
                depth += next.is("(") ? 1 : next.is(")") ? -1 : 0;
                if (depth == 0) {
                    std::set<std::string> kept;
                    std::set_intersection(hide.begin(), hide.end(), next.hide.begin(), next.hide.end(),
                                          std::inserter(kept, kept.begin()));
                    hide = std::move(kept);
                    break;
                }
                if (depth == 1 && next.is(","))
                    arguments.emplace_back();
                else
                    arguments.back().push_back(std::move(next));
            }
            if (macro.parameters.empty() && arguments.size() == 1 && arguments.front().empty())
                arguments.clear();
            if (arguments.size() != macro.parameters.size())
                fail(token, "macro " + token.text + " takes " + std::to_string(macro.parameters.size()) +
                                " arguments, given " + std::to_string(arguments.size()));
        }
        hide.insert(token.text);
        std::vector<Token> result = substitute(macro, arguments, hide, token);
        input.insert(input.begin(), std::make_move_iterator(result.begin()), std::make_move_iterator(result.end()));
    }
    return out;
}

std::vector<Token> Preprocessor::substitute(const Macro &macro, const std::vector<std::vector<Token>> &arguments,
                                            const std::set<std::string> &hide, const Token &at) const {
    auto parameter = [&](const Token &token) -> const std::vector<Token> * {
        if (!macro.function_like || token.kind != TokenKind::Identifier)
            return nullptr;
        auto it = std::find(macro.parameters.begin(), macro.parameters.end(), token.text);
        return it == macro.parameters.end() ? nullptr : &arguments[it - macro.parameters.begin()];
    };
    // An operand of ##: the argument as written, or a placemarker when it is empty.
    auto operand = [&](const Token &token) {
        const std::vector<Token> *argument = parameter(token);
        if (!argument)
            return std::vector<Token>{token};
        if (argument->empty())
            return std::vector<Token>{Token{TokenKind::Placemarker, "", at.file, at.line, false, false, {}}};
        return *argument;
    };

    std::vector<Token> result;
    const std::vector<Token> &body = macro.body;
    for (std::size_t i = 0; i < body.size(); ++i) {
        const Token &token = body[i];
        if (macro.function_like && token.is("#")) {
            result.push_back(stringized(*parameter(body[++i]), token));
        } else if (token.is("##")) {
            std::vector<Token> right = operand(body[++i]);
            result.back() = pasted(result.back(), right.front(), at);
            result.insert(result.end(), right.begin() + 1, right.end());
        } else if (i + 1 < body.size() && body[i + 1].is("##")) {
            std::vector<Token> left = operand(token);
            result.insert(result.end(), left.begin(), left.end());
        } else if (const std::vector<Token> *argument = parameter(token)) {
            std::vector<Token> expanded = expand(*argument);
            if (!expanded.empty())
                expanded.front().space_before = token.space_before;
            result.insert(result.end(), expanded.begin(), expanded.end());
        } else {
            result.push_back(token);
        }
    }
    std::erase_if(result, [](const Token &token) { return token.kind == TokenKind::Placemarker; });
    for (Token &token : result) {
        token.hide.insert(hide.begin(), hide.end());
        token.file = at.file;
        token.line = at.line;
        token.line_start = false;
    }
    if (!result.empty())
        result.front().space_before = at.space_before;
    return result;
}

} // namespace sel4_bindgen::c
