#include "syscalls.hpp"

#include "diagnostics.hpp"

#include <tinyxml2.h>

#include <cctype>
#include <cstring>
#include <set>

namespace sel4_bindgen::syscalls {

namespace {

using tinyxml2::XMLElement;

struct Condition {
    bool holds = true;
    std::string text;
};

class Reader {
public:
    Reader(const std::string &path, const config::Config &config) : path_(path), config_(config) {}

    Syscalls read(const tinyxml2::XMLDocument &document) {
        const XMLElement *root = document.RootElement();
        if (!root || std::strcmp(root->Name(), "syscalls") != 0)
            fail(root ? root->GetLineNum() : 1, "expected the root element <syscalls>");
        Syscalls result;
        result.api = config_.is_defined("KERNEL_MCS") ? "api-mcs" : "api-master";
        const XMLElement *api = nullptr;
        const XMLElement *debug = nullptr;
        for (const XMLElement *child = root->FirstChildElement(); child; child = child->NextSiblingElement()) {
            std::string name = child->Name();
            if (name == "api-master" || name == "api-mcs") {
                if (name == result.api) {
                    if (api)
                        fail(child->GetLineNum(), "second <" + name + "> element");
                    api = child;
                }
            } else if (name == "debug") {
                if (debug)
                    fail(child->GetLineNum(), "second <debug> element");
                debug = child;
            } else {
                fail(child->GetLineNum(), "unknown element <" + name + "> in <syscalls>");
            }
        }
        if (!api)
            fail(root->GetLineNum(), "no <" + result.api + "> element (chosen by KERNEL_MCS)");
        long number = -1;
        read_list(*api, result, number);
        if (api->FirstChildElement("config") != api->LastChildElement("config"))
            fail(api->GetLineNum(), "<" + result.api + "> must have exactly one <config>");
        if (debug)
            read_list(*debug, result, number);
        return result;
    }

private:
    [[noreturn]] void fail(int line, const std::string &what) const { throw InputError(path_, line, what); }

    void read_list(const XMLElement &list, Syscalls &result, long &number) {
        if (!list.FirstChildElement())
            fail(list.GetLineNum(), "<" + std::string(list.Name()) + "> has no <config> element");
        for (const XMLElement *block = list.FirstChildElement(); block; block = block->NextSiblingElement()) {
            if (std::strcmp(block->Name(), "config") != 0)
                fail(block->GetLineNum(), "unknown element <" + std::string(block->Name()) + "> in <" +
                                              list.Name() + "> (expected <config>)");
            Condition condition;
            bool seen_condition = false;
            for (const XMLElement *item = block->FirstChildElement(); item; item = item->NextSiblingElement()) {
                std::string name = item->Name();
                if (name == "condition") {
                    if (seen_condition)
                        fail(item->GetLineNum(), "second <condition> in one <config>");
                    seen_condition = true;
                    condition = read_condition(*item);
                } else if (name == "syscall") {
                    result.list.push_back(read_syscall(*item, condition, number--));
                } else {
                    fail(item->GetLineNum(), "unknown element <" + name + "> in <config>");
                }
            }
        }
    }

    Syscall read_syscall(const XMLElement &element, const Condition &condition, long number) {
        const char *name = element.Attribute("name");
        if (!name || !*name)
            fail(element.GetLineNum(), "<syscall> without a name");
        bool identifier = std::isalpha(static_cast<unsigned char>(name[0]));
        for (const char *c = name; *c; ++c)
            identifier = identifier && (std::isalnum(static_cast<unsigned char>(*c)) || *c == '_');
        if (!identifier)
            fail(element.GetLineNum(), "syscall name '" + std::string(name) + "' is not an identifier");
        if (!names_.insert(name).second)
            fail(element.GetLineNum(), "syscall '" + std::string(name) + "' appears twice");
        return {name, number, condition.holds, condition.text, element.GetLineNum()};
    }

    Condition read_condition(const XMLElement &element) {
        const XMLElement *expression = element.FirstChildElement();
        if (!expression)
            return {};
        if (expression->NextSiblingElement())
            fail(expression->NextSiblingElement()->GetLineNum(), "<condition> holds more than one expression");
        return evaluate(*expression);
    }

    // The same operators as seL4's condition.py; `CONFIG_X` means "gen_config.json key X is set".
    Condition evaluate(const XMLElement &expression) {
        std::string name = expression.Name();
        if (name == "config") {
            const char *var = expression.Attribute("var");
            if (!var || std::strncmp(var, "CONFIG_", 7) != 0 || !var[7])
                fail(expression.GetLineNum(), "<config> needs var=\"CONFIG_...\"");
            return {config_.is_defined(var + 7), std::string("defined(") + var + ")"};
        }
        if (name == "not") {
            const XMLElement *operand = expression.FirstChildElement();
            if (!operand || operand->NextSiblingElement())
                fail(expression.GetLineNum(), "<not> needs exactly one operand");
            Condition inner = evaluate(*operand);
            return {!inner.holds, "!" + inner.text};
        }
        if (name == "and" || name == "or") {
            const XMLElement *operand = expression.FirstChildElement();
            if (!operand)
                fail(expression.GetLineNum(), "<" + name + "> has no operands");
            bool is_and = name == "and";
            Condition result{is_and, "("};
            for (; operand; operand = operand->NextSiblingElement()) {
                Condition inner = evaluate(*operand);
                result.holds = is_and ? result.holds && inner.holds : result.holds || inner.holds;
                result.text += (result.text.size() > 1 ? (is_and ? " && " : " || ") : "") + inner.text;
            }
            result.text += ")";
            return result;
        }
        fail(expression.GetLineNum(), "unknown element <" + name + "> in a condition");
    }

    const std::string &path_;
    const config::Config &config_;
    std::set<std::string> names_;
};

} // namespace

Syscalls parse(const std::string &text, const std::string &path, const config::Config &config) {
    tinyxml2::XMLDocument document;
    if (document.Parse(text.data(), text.size()) != tinyxml2::XML_SUCCESS)
        throw InputError(path, document.ErrorLineNum(), std::string("malformed XML: ") + document.ErrorName());
    return Reader(path, config).read(document);
}

Syscalls load(const std::string &path, const config::Config &config) {
    return parse(read_text_file(path), path, config);
}

} // namespace sel4_bindgen::syscalls
