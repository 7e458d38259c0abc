#include "sdf_xml.hpp"

#include <expat.h>

#include <climits>
#include <optional>

namespace sel4::microkit::sdf::xml {
namespace {

// Expat calls back into C++ from C: nothing may be thrown through it, so a problem found in a
// handler is kept here and the parser stopped.
struct Reader {
    XML_Parser parser = nullptr;
    std::string file;
    std::unique_ptr<Element> root;
    std::vector<Element *> open;  // the elements not yet closed, innermost last
    std::optional<std::string> problem;

    Location here() const {
        Location at;
        at.file = file;
        at.line = static_cast<unsigned>(XML_GetCurrentLineNumber(parser));
        at.column = static_cast<unsigned>(XML_GetCurrentColumnNumber(parser)) + 1;
        return at;
    }
    void stop(const Location &at, const std::string &message) {
        if (!problem)
            problem = at.text() + ": error: " + message;
        XML_StopParser(parser, XML_FALSE);
    }
};

void on_start(void *data, const XML_Char *name, const XML_Char **attributes) {
    auto &r = *static_cast<Reader *>(data);
    if (r.problem)
        return;
    auto element = std::make_unique<Element>();
    element->name = name;
    element->where = r.here();
    for (auto a = attributes; a[0] != nullptr; a += 2)
        element->attributes.emplace_back(a[0], a[1]);
    if (r.open.size() >= max_depth) {
        r.stop(element->where, "elements are nested more than " + std::to_string(max_depth) +
                                   " levels deep");
        return;
    }
    Element *raw = element.get();
    if (r.open.empty())
        r.root = std::move(element);
    else
        r.open.back()->children.push_back(std::move(element));
    r.open.push_back(raw);
}

void on_end(void *data, const XML_Char *) {
    auto &r = *static_cast<Reader *>(data);
    if (!r.problem && !r.open.empty())
        r.open.pop_back();
}

void on_text(void *data, const XML_Char *text, int length) {
    auto &r = *static_cast<Reader *>(data);
    if (r.problem || r.open.empty())
        return;
    for (int i = 0; i < length; ++i) {
        const char c = text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        // Microkit's two wordings: text after a child element, or text in an element before
        // any child.
        const Element &parent = *r.open.back();
        if (!parent.children.empty()) {
            const Element &last = *parent.children.back();
            r.stop(last.where, "unexpected text found after element '" + last.name + "'");
        } else {
            r.stop(parent.where, "unexpected text found in element '" + parent.name + "'");
        }
        return;
    }
}

} // namespace

std::unique_ptr<Element> read(const std::string &text, const std::string &file) {
    Reader r;
    r.file = file;
    r.parser = XML_ParserCreate("UTF-8");
    if (r.parser == nullptr)
        throw Error(file + ": error: cannot create an XML parser");
    XML_SetUserData(r.parser, &r);
    XML_SetElementHandler(r.parser, on_start, on_end);
    XML_SetCharacterDataHandler(r.parser, on_text);

    // Fed in pieces: XML_Parse takes an int length.
    std::size_t done = 0;
    bool ok = true;
    do {
        const std::size_t piece = std::min<std::size_t>(text.size() - done, INT_MAX / 2);
        const bool last = done + piece == text.size();
        ok = XML_Parse(r.parser, text.data() + done, static_cast<int>(piece), last) ==
             XML_STATUS_OK;
        done += piece;
    } while (ok && done < text.size());

    std::string message;
    if (r.problem) {
        message = *r.problem;
    } else if (!ok) {
        const char *what = XML_ErrorString(XML_GetErrorCode(r.parser));
        message = r.here().text() + ": error: " + (what != nullptr ? what : "malformed XML");
    } else if (!r.root) {
        message = file + ":1:1: error: no element found";
    }
    XML_ParserFree(r.parser);
    if (!message.empty())
        throw Error(message);
    return std::move(r.root);
}

} // namespace sel4::microkit::sdf::xml
