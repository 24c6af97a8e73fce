// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// index.yaml from yaml-cpp's event stream: a stack of open maps and sequences, each map
// remembering the key it is at. The entries are the maps at entries.<chart>[i].
#include "parse/helmindex.h"

#include <QRegularExpression>

#include <sstream>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

namespace ferry {

QDateTime parseRfc3339(const QString &text)
{
    // 2023-05-04T12:34:56.123456789+02:00: Qt reads milliseconds, so the fraction is cut to three digits.
    static const QRegularExpression re(QStringLiteral(R"(^(\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|z|[+-]\d\d:\d\d)?$)"));
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch())
        return {};
    QString iso = m.captured(1);
    iso[10] = u'T';
    iso += u'.' + QString(m.captured(2) + QStringLiteral("000")).left(3);
    const QString zone = m.captured(3);
    iso += (zone.isEmpty() || zone.compare(u"z", Qt::CaseInsensitive) == 0) ? QStringLiteral("Z") : zone;
    return QDateTime::fromString(iso, Qt::ISODateWithMs).toUTC();
}

namespace {

class IndexEvents : public YAML::EventHandler
{
public:
    IndexEvents(HelmIndex *out, const QUrl &indexUrl)
        : m_out(out)
        , m_base(indexUrl)
    { }

    void OnDocumentStart(const YAML::Mark &) override { }
    void OnDocumentEnd() override { }
    void OnNull(const YAML::Mark &mark, YAML::anchor_t) override { value(mark, QString(), true); }
    void OnAlias(const YAML::Mark &mark, YAML::anchor_t) override { value(mark, QString(), true); }
    void OnScalar(const YAML::Mark &mark, const std::string &, YAML::anchor_t, const std::string &v) override
    {
        value(mark, QString::fromStdString(v), false);
    }
    void OnSequenceStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t, YAML::EmitterStyle::value) override
    {
        open(mark, false);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t, YAML::EmitterStyle::value) override { open(mark, true); }
    void OnMapEnd() override { close(); }

private:
    struct Frame
    {
        bool map = false;
        bool atKey = true; // a map: the next scalar is a key
        QString key; // a map: the key whose value comes next
    };

    // The stack's depth says where we are: 1 the root map, 2 entries, 3 a chart's list, 4 an
    // entry, 5 its urls.
    void open(const YAML::Mark &mark, bool map)
    {
        if (!m_stack.isEmpty() && m_stack.last().map)
            m_stack.last().atKey = true; // the container is the value of the key
        m_stack.append(Frame{map, true, {}});
        if (map && m_stack.size() == 4 && m_stack[0].key == u"entries") {
            m_entry = HelmChartVersion{};
            m_entry.chart = m_stack[1].key;
            m_entry.line = mark.line + 1;
            m_urls.clear();
        }
    }

    void close()
    {
        if (m_stack.size() == 4 && m_stack.last().map && m_stack[0].key == u"entries")
            finishEntry();
        m_stack.removeLast();
    }

    void value(const YAML::Mark &mark, const QString &v, bool null)
    {
        Q_UNUSED(mark);
        if (m_stack.isEmpty())
            return;
        Frame &f = m_stack.last();
        if (f.map && f.atKey) {
            f.key = v;
            f.atKey = false;
            return;
        }
        if (f.map)
            f.atKey = true;
        if (m_stack.size() == 1) {
            if (f.key == u"apiVersion")
                m_out->apiVersion = v;
            else if (f.key == u"generated")
                m_out->generated = parseRfc3339(v);
            return;
        }
        if (m_stack.size() == 5 && m_stack[3].key == u"urls" && m_stack[0].key == u"entries" && !null) {
            m_urls << v;
            return;
        }
        if (m_stack.size() != 4 || !f.map || m_stack[0].key != u"entries" || null)
            return;
        const QString &k = f.key;
        if (k == u"version")
            m_entry.version = v;
        else if (k == u"name")
            m_nameInEntry = v;
        else if (k == u"digest")
            m_entry.digest = v.isEmpty() || v.contains(u':') ? v : QStringLiteral("sha256:") + v;
        else if (k == u"created")
            m_entry.created = parseRfc3339(v);
        else if (k == u"appVersion")
            m_entry.appVersion = v;
        else if (k == u"deprecated")
            m_entry.deprecated = v == u"true" || v == u"True" || v == u"TRUE";
        else if (k == u"urls")
            m_urls << v; // a single string where a list is expected
    }

    void finishEntry()
    {
        const QString name = m_nameInEntry.isEmpty() ? m_entry.chart : m_nameInEntry;
        m_nameInEntry.clear();
        if (m_entry.version.isEmpty()) {
            m_out->warnings
                << QStringLiteral("%1: chart %2 has an entry without a version; Helm skips it").arg(m_entry.line).arg(m_entry.chart);
            return;
        }
        if (name != m_entry.chart)
            m_out->warnings
                << QStringLiteral("%1: %2 %3 is listed under %4; read as %4").arg(m_entry.line).arg(name, m_entry.version, m_entry.chart);
        if (!m_urls.isEmpty())
            m_entry.url = m_base.resolved(QUrl(m_urls.first())).toString();
        else
            m_out->warnings << QStringLiteral("%1: %2 %3 has no urls").arg(m_entry.line).arg(m_entry.chart, m_entry.version);
        m_out->versions.append(std::move(m_entry));
        m_entry = HelmChartVersion{};
    }

    HelmIndex *m_out;
    QUrl m_base;
    QList<Frame> m_stack;
    HelmChartVersion m_entry;
    QString m_nameInEntry;
    QStringList m_urls;
};

} // namespace

HelmIndex readHelmIndex(std::istream &in, const QUrl &indexUrl)
{
    HelmIndex out;
    try {
        YAML::Parser parser(in);
        IndexEvents events(&out, indexUrl);
        if (!parser.HandleNextDocument(events)) {
            out.error = QStringLiteral("the index is empty");
            return out;
        }
    } catch (const YAML::Exception &e) {
        out.error = QStringLiteral("line %1, column %2: %3").arg(e.mark.line + 1).arg(e.mark.column + 1).arg(QString::fromStdString(e.msg));
        return out;
    }
    if (out.apiVersion.isEmpty())
        out.error = QStringLiteral("no API version specified: this is not a Helm repository index");
    return out;
}

HelmIndex readHelmIndex(const QByteArray &text, const QUrl &indexUrl)
{
    std::istringstream in(std::string(text.constData(), size_t(text.size())));
    return readHelmIndex(in, indexUrl);
}

} // namespace ferry
