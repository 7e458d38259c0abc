#include "xml.hpp"

#include "diagnostics.hpp"

#include <cstring>

namespace sel4_bindgen::xml {

namespace {

using tinyxml2::XMLElement;

Condition evaluate_expression(const XMLElement &expression, const std::string &path, const config::Config &config) {
    std::string name = expression.Name();
    if (name == "config") {
        const char *var = expression.Attribute("var");
        if (!var || std::strncmp(var, "CONFIG_", 7) != 0 || !var[7])
            throw InputError(path, expression.GetLineNum(), "<config> needs var=\"CONFIG_...\"");
        return {config.is_defined(var + 7), std::string("defined(") + var + ")"};
    }
    if (name == "not") {
        const XMLElement *operand = expression.FirstChildElement();
        if (!operand || operand->NextSiblingElement())
            throw InputError(path, expression.GetLineNum(), "<not> needs exactly one operand");
        Condition inner = evaluate_expression(*operand, path, config);
        return {!inner.holds, "!" + inner.text};
    }
    if (name == "and" || name == "or") {
        const XMLElement *operand = expression.FirstChildElement();
        if (!operand)
            throw InputError(path, expression.GetLineNum(), "<" + name + "> has no operands");
        bool is_and = name == "and";
        Condition result{is_and, "("};
        for (; operand; operand = operand->NextSiblingElement()) {
            Condition inner = evaluate_expression(*operand, path, config);
            result.holds = is_and ? result.holds && inner.holds : result.holds || inner.holds;
            result.text += (result.text.size() > 1 ? (is_and ? " && " : " || ") : "") + inner.text;
        }
        result.text += ")";
        return result;
    }
    throw InputError(path, expression.GetLineNum(), "unknown element <" + name + "> in a condition");
}

} // namespace

void parse(tinyxml2::XMLDocument &document, const std::string &text, const std::string &path) {
    if (document.Parse(text.data(), text.size()) != tinyxml2::XML_SUCCESS)
        throw InputError(path, document.ErrorLineNum(), std::string("malformed XML: ") + document.ErrorName());
}

Condition evaluate(const XMLElement &condition, const std::string &path, const config::Config &config) {
    const XMLElement *expression = condition.FirstChildElement();
    if (!expression)
        return {};
    if (expression->NextSiblingElement())
        throw InputError(path, expression->NextSiblingElement()->GetLineNum(),
                         "<condition> holds more than one expression");
    return evaluate_expression(*expression, path, config);
}

} // namespace sel4_bindgen::xml
