// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Highlighting through Ferry's one interface, whichever engine the build has: KF6
// SyntaxHighlighting (installer/kf6-check.sh runs this in Debian 13) or the built-in one.
// The checks hold for both: keys, strings, numbers and comments get formats of their own,
// indentation stays plain. FERRY_EXPECT_ENGINE, when set, names the engine that must be in use.
#include "syntaxhighlighting.h"
#include "testmain.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSyntaxHighlighter>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>

using namespace ferry;

namespace {

// The format the highlighter gave the character at (line, column).
QTextCharFormat formatAt(const QTextDocument &doc, int line, int column)
{
    const QTextBlock block = doc.findBlockByNumber(line);
    for (const QTextLayout::FormatRange &r : block.layout()->formats())
        if (column >= r.start && column < r.start + r.length)
            return r.format;
    return {};
}

QColor colourAt(const QTextDocument &doc, int line, const QString &token)
{
    const int column = int(doc.findBlockByNumber(line).text().indexOf(token));
    if (column < 0)
        qFatal("no %s on line %d", qPrintable(token), line);
    const QTextCharFormat f = formatAt(doc, line, column + int(token.size()) / 2);
    return f.hasProperty(QTextFormat::ForegroundBrush) ? f.foreground().color() : QColor();
}

// An index on one line, as registries serve them.
const char kOneLineIndex[] = "{\"schemaVersion\":2,\"mediaType\":\"application/"
                             "vnd.oci.image.index.v1+json\",\"manifests\":[{\"digest\":\"sha256:ab\",\"platform\":{\"os\":\"linux\","
                             "\"architecture\":\"arm64\"}}],\"annotations\":{},\"note\":\"a \\\"quoted\\\", {odd} value\"}";

} // namespace

class TestHighlighting : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void engineIsTheOneExpected()
    {
        QVERIFY(!highlighting::engine().isEmpty());
        const QString expected = qEnvironmentVariable("FERRY_EXPECT_ENGINE");
        if (!expected.isEmpty())
            QCOMPARE(highlighting::engine(), expected);
        QCOMPARE(highlighting::formats(), (QStringList{QStringLiteral("json"), QStringLiteral("yaml"), QStringLiteral("toml")}));
        QTextDocument doc;
        QVERIFY(!highlighting::attach(&doc, QStringLiteral("cobol")));
    }

    void jsonManifest()
    {
        QTextDocument doc;
        QSyntaxHighlighter *h = highlighting::attach(&doc, QStringLiteral("json"));
        QVERIFY(h);
        QCOMPARE(h->document(), &doc);
        doc.setPlainText(QStringLiteral("{\n"
                                        "  \"schemaVersion\": 2,\n"
                                        "  \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\",\n"
                                        "  \"size\": 7143,\n"
                                        "  \"annotations\": null\n"
                                        "}\n"));
        h->rehighlight(); // the first pass after attaching waits for the event loop
        const QColor key = colourAt(doc, 2, QStringLiteral("mediaType"));
        const QColor string = colourAt(doc, 2, QStringLiteral("application/vnd.oci"));
        const QColor number = colourAt(doc, 3, QStringLiteral("7143"));
        QVERIFY(key.isValid() && string.isValid() && number.isValid());
        QVERIFY2(key != string, qPrintable(key.name() + u' ' + string.name()));
        QVERIFY(number != string);
        QVERIFY(colourAt(doc, 4, QStringLiteral("null")).isValid());
        // Indentation is plain text: the built-in engine gives it no format, KF6 its normal one.
        const QTextCharFormat indent = formatAt(doc, 1, 0);
        QVERIFY(!indent.hasProperty(QTextFormat::ForegroundBrush) ||
                (indent.foreground().color() != key && indent.foreground().color() != string));
    }

    void yamlPlan()
    {
        QTextDocument doc;
        QSyntaxHighlighter *h = highlighting::attach(&doc, QStringLiteral("yaml"));
        QVERIFY(h);
        doc.setPlainText(QStringLiteral("# the demo plan\n"
                                        "registries:\n"
                                        "  china: { url: \"http://127.0.0.1:5003\", role: replica }\n"
                                        "  lag-slo: 10\n"
                                        "  gsoci:\n"
                                        "    role: target # where images go\n"));
        h->rehighlight(); // the first pass after attaching waits for the event loop
        const QColor comment = colourAt(doc, 0, QStringLiteral("demo plan"));
        const QColor key = colourAt(doc, 1, QStringLiteral("registries"));
        const QColor string = colourAt(doc, 2, QStringLiteral("127.0.0.1"));
        QVERIFY(comment.isValid() && key.isValid() && string.isValid());
        QVERIFY(key != string && comment != key && comment != string);
        QCOMPARE(colourAt(doc, 5, QStringLiteral("where images")), comment);
        QVERIFY(colourAt(doc, 3, QStringLiteral("10")).isValid());
    }

    void tomlConfig()
    {
        QTextDocument doc;
        QSyntaxHighlighter *h = highlighting::attach(&doc, QStringLiteral("toml"));
        QVERIFY(h);
        doc.setPlainText(QStringLiteral("# containerd mirror for the pull-through cache\n"
                                        "[host.\"http://127.0.0.1:5004\"]\n"
                                        "  capabilities = [\"pull\", \"resolve\"]\n"
                                        "  skip_verify = true\n"));
        h->rehighlight(); // the first pass after attaching waits for the event loop
        const QColor comment = colourAt(doc, 0, QStringLiteral("mirror"));
        const QColor key = colourAt(doc, 2, QStringLiteral("capabilities"));
        const QColor string = colourAt(doc, 2, QStringLiteral("resolve"));
        QVERIFY(comment.isValid() && key.isValid() && string.isValid());
        QVERIFY(key != string && comment != string);
        QVERIFY(colourAt(doc, 1, QStringLiteral("host")).isValid());
        QVERIFY(colourAt(doc, 3, QStringLiteral("true")).isValid());
    }

    void prettyJsonKeepsTheRegistrysKeyOrder()
    {
        const QByteArray raw(kOneLineIndex);
        const QString pretty = highlighting::prettyJson(raw);
        QCOMPARE(QJsonDocument::fromJson(pretty.toUtf8()), QJsonDocument::fromJson(raw)); // the same JSON
        QVERIFY(pretty.indexOf(QStringLiteral("schemaVersion")) < pretty.indexOf(QStringLiteral("mediaType")));
        QVERIFY(pretty.indexOf(QStringLiteral("mediaType")) < pretty.indexOf(QStringLiteral("manifests")));
        QVERIFY(pretty.contains(QStringLiteral("\n  \"mediaType\": ")));
        QVERIFY(pretty.contains(QStringLiteral("\n        \"os\": \"linux\"")));
        QVERIFY(pretty.contains(QStringLiteral("\"annotations\": {}")));
        QVERIFY(pretty.contains(QStringLiteral("\"a \\\"quoted\\\", {odd} value\"")));
        // Already on several lines, or not JSON: shown as served.
        const QByteArray indented = "{\n   \"a\": 1\n}\n";
        QCOMPARE(highlighting::prettyJson(indented), QString::fromUtf8(indented));
        QCOMPARE(highlighting::prettyJson("not json {"), QStringLiteral("not json {"));
    }
};

FERRY_TEST_MAIN_GUI(TestHighlighting)
#include "tst_highlighting.moc"
