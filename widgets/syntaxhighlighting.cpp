// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "syntaxhighlighting.h"

#include <QColor>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>
#include <QTextDocument>

#if FERRY_HAVE_KF6_SYNTAX
#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/SyntaxHighlighter>
#include <KSyntaxHighlighting/Theme>
#endif

namespace ferry::highlighting {

namespace {

// The built-in engine: one pass of ordered rules per line; later rules win where they
// overlap (a string that looks like a number stays a string). Multi-line constructs of
// these formats (YAML block scalars, TOML multi-line strings) are left plain: manifests
// and plans rarely use them and a wrong colour is worse than none.
class BuiltinHighlighter : public QSyntaxHighlighter
{
public:
    BuiltinHighlighter(QTextDocument *document, const QString &format)
        : QSyntaxHighlighter(document)
    {
        QTextCharFormat key, string, number, keyword, comment, punctuation, section;
        key.setForeground(QColor(0x1f, 0x4e, 0x9a));
        key.setFontWeight(QFont::DemiBold);
        string.setForeground(QColor(0x1b, 0x7a, 0x3c));
        number.setForeground(QColor(0xa3, 0x4a, 0x00));
        keyword.setForeground(QColor(0x8e, 0x24, 0xaa));
        comment.setForeground(QColor(0x6a, 0x73, 0x7d));
        comment.setFontItalic(true);
        punctuation.setForeground(QColor(0x55, 0x55, 0x55));
        section.setForeground(QColor(0x8e, 0x24, 0xaa));
        section.setFontWeight(QFont::Bold);
        auto rule = [this](const char *pattern, const QTextCharFormat &f, int group = 0) {
            m_rules.append({QRegularExpression(QString::fromLatin1(pattern)), f, group});
        };
        if (format == u"json") {
            rule(R"([{}\[\],:])", punctuation);
            rule(R"(-?\b\d+(\.\d+)?([eE][+-]?\d+)?\b)", number);
            rule(R"(\b(true|false|null)\b)", keyword);
            rule(R"("(?:[^"\\]|\\.)*")", string);
            rule(R"(("(?:[^"\\]|\\.)*")\s*:)", key, 1);
        } else if (format == u"yaml") {
            rule(R"((^|\s)-(?=\s))", punctuation);
            rule(R"(:(?=\s|$))", punctuation);
            rule(R"((?<=:\s)\s*-?\d+(\.\d+)?\s*$)", number);
            rule(R"((?<=:\s)\s*(true|false|yes|no|null|~)\s*$)", keyword);
            rule(R"([&*][A-Za-z0-9_-]+)", keyword);
            rule(R"(^\s*(?:-\s+)?([^\s#:'"][^:#]*?|"[^"]*"|'[^']*')\s*:(?=\s|$))", key, 1);
            rule(R"("(?:[^"\\]|\\.)*"|'[^']*')", string);
            rule(R"((^|\s)#.*$)", comment);
        } else if (format == u"toml") {
            rule(R"(=)", punctuation);
            rule(R"(-?\b\d+(\.\d+)?\b)", number);
            rule(R"(\b(true|false)\b)", keyword);
            rule(R"(^\s*([A-Za-z0-9_.-]+|"[^"]*")\s*=)", key, 1);
            rule(R"(^\s*\[\[?[^\]]+\]\]?)", section);
            rule(R"("(?:[^"\\]|\\.)*"|'[^']*')", string);
            rule(R"(#.*$)", comment);
        }
    }

protected:
    void highlightBlock(const QString &text) override
    {
        for (const Rule &r : std::as_const(m_rules)) {
            auto it = r.pattern.globalMatch(text);
            while (it.hasNext()) {
                const QRegularExpressionMatch m = it.next();
                if (m.capturedLength(r.group) > 0)
                    setFormat(int(m.capturedStart(r.group)), int(m.capturedLength(r.group)), r.format);
            }
        }
    }

private:
    struct Rule
    {
        QRegularExpression pattern;
        QTextCharFormat format;
        int group = 0;
    };
    QList<Rule> m_rules;
};

#if FERRY_HAVE_KF6_SYNTAX
KSyntaxHighlighting::Repository &repository()
{
    static KSyntaxHighlighting::Repository repo; // loads the definitions once
    return repo;
}

QString definitionName(const QString &format)
{
    if (format == u"json")
        return QStringLiteral("JSON");
    if (format == u"yaml")
        return QStringLiteral("YAML");
    if (format == u"toml")
        return QStringLiteral("TOML");
    return {};
}
#endif

} // namespace

QString engine()
{
#if FERRY_HAVE_KF6_SYNTAX
    return QStringLiteral("KF6 SyntaxHighlighting");
#else
    return QStringLiteral("built-in");
#endif
}

QStringList formats()
{
    return {QStringLiteral("json"), QStringLiteral("yaml"), QStringLiteral("toml")};
}

QSyntaxHighlighter *attach(QTextDocument *document, const QString &format)
{
    if (!formats().contains(format))
        return nullptr;
#if FERRY_HAVE_KF6_SYNTAX
    const KSyntaxHighlighting::Definition def = repository().definitionForName(definitionName(format));
    if (def.isValid()) {
        auto *h = new KSyntaxHighlighting::SyntaxHighlighter(document);
        h->setTheme(repository().defaultTheme(KSyntaxHighlighting::Repository::LightTheme));
        h->setDefinition(def);
        return h;
    }
    // A KF6 install without this definition: the built-in one still serves.
#endif
    return new BuiltinHighlighter(document, format);
}

QString prettyJson(const QByteArray &raw)
{
    // Re-indents the bytes as they are, keeping the registry's key order (QJsonDocument
    // would sort the keys); text that is not JSON, or already spans lines, is left alone.
    QJsonParseError error{};
    (void)QJsonDocument::fromJson(raw, &error);
    const QString text = QString::fromUtf8(raw);
    if (error.error != QJsonParseError::NoError || text.trimmed().contains(u'\n'))
        return text;
    QString out;
    out.reserve(text.size() * 2);
    int depth = 0;
    bool inString = false;
    auto newline = [&] { out += u'\n' + QString(depth * 2, u' '); };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (inString) {
            out += c;
            if (c == u'\\' && i + 1 < text.size())
                out += text.at(++i);
            else if (c == u'"')
                inString = false;
            continue;
        }
        switch (c.unicode()) {
        case u'"':
            inString = true;
            out += c;
            break;
        case u'{':
        case u'[': {
            // Empty containers stay on one line.
            qsizetype j = i + 1;
            while (j < text.size() && text.at(j).isSpace())
                ++j;
            if (j < text.size() && (text.at(j) == u'}' || text.at(j) == u']')) {
                out += c;
                out += text.at(j);
                i = j;
                break;
            }
            out += c;
            ++depth;
            newline();
            break;
        }
        case u'}':
        case u']':
            --depth;
            newline();
            out += c;
            break;
        case u',':
            out += c;
            newline();
            break;
        case u':': out += QStringLiteral(": "); break;
        default:
            if (!c.isSpace())
                out += c;
        }
    }
    return out + u'\n';
}

} // namespace ferry::highlighting
