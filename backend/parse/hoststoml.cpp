// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "parse/hoststoml.h"
#include "parse/inputfile.h"

#include "parse/clientref.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUrl>

namespace ferry {

namespace {

// The part of TOML that hosts.toml files use: tables with quoted keys, strings, booleans,
// integers, arrays (nested, across lines) and inline tables. Anything else is a syntax error,
// as it would be in a file containerd reads.
struct Value
{
    enum class Kind { String, Bool, Int, Array, Table };
    Kind kind = Kind::String;
    QString text;
    bool flag = false;
    QList<Value> items;
    QList<QPair<QString, Value>> fields;
    int line = 0;
};

struct Entry
{
    QStringList table;
    QString key;
    Value value;
    int line = 0;
};

struct Document
{
    QList<QPair<QStringList, int>> tables; // headers in order, with their line
    QList<Entry> entries;
};

class Reader
{
public:
    explicit Reader(const QString &text)
        : m_t(text)
    { }

    bool read(Document *doc)
    {
        QStringList current;
        QMap<QStringList, int> seen;
        QMap<QString, int> keysSeen;
        while (skipBlankLines()) {
            if (peek() == u'[') {
                if (peek(1) == u'[')
                    return fail(QStringLiteral("arrays of tables are not part of hosts.toml"));
                ++m_i;
                QStringList path;
                if (!readKeyPath(&path))
                    return false;
                skipSpaces();
                if (peek() != u']')
                    return fail(QStringLiteral("expected ']' to close the table header"));
                ++m_i;
                if (seen.contains(path))
                    return fail(
                        QStringLiteral("duplicated tables: [%1] is already defined on line %2").arg(path.join(u'.')).arg(seen[path]));
                seen.insert(path, m_line);
                doc->tables.append({path, m_line});
                current = path;
            } else {
                QStringList keyPath;
                if (!readKeyPath(&keyPath))
                    return false;
                skipSpaces();
                if (peek() != u'=')
                    return fail(QStringLiteral("expected '=' after the key '%1'").arg(keyPath.join(u'.')));
                ++m_i;
                skipSpaces();
                Entry e;
                e.line = m_line;
                e.table = current + keyPath.mid(0, keyPath.size() - 1);
                e.key = keyPath.last();
                if (!readValue(&e.value))
                    return false;
                const QString full = (e.table + QStringList{e.key}).join(QChar(0x1f));
                if (keysSeen.contains(full))
                    return fail(QStringLiteral("the key '%1' is already defined on line %2").arg(e.key).arg(keysSeen[full]));
                keysSeen.insert(full, e.line);
                doc->entries.append(e);
            }
            skipSpaces();
            skipComment();
            if (m_i < m_t.size() && peek() != u'\n')
                return fail(QStringLiteral("unexpected '%1' after a value").arg(peek()));
        }
        return true;
    }

    QString error;
    int errorLine = 0;

private:
    QChar peek(int ahead = 0) const { return m_i + ahead < m_t.size() ? m_t.at(m_i + ahead) : QChar(); }
    bool fail(const QString &why)
    {
        error = why;
        errorLine = m_line;
        return false;
    }
    void skipSpaces()
    {
        while (m_i < m_t.size() && (peek() == u' ' || peek() == u'\t' || peek() == u'\r'))
            ++m_i;
    }
    void skipComment()
    {
        if (peek() == u'#')
            while (m_i < m_t.size() && peek() != u'\n')
                ++m_i;
    }
    // Skips whitespace, comments and newlines; false at the end.
    bool skipBlankLines()
    {
        for (;;) {
            skipSpaces();
            skipComment();
            if (m_i >= m_t.size())
                return false;
            if (peek() != u'\n')
                return true;
            ++m_i;
            ++m_line;
        }
    }
    bool readKeyPath(QStringList *path)
    {
        for (;;) {
            skipSpaces();
            QString part;
            if (peek() == u'"' || peek() == u'\'') {
                Value v;
                if (!readString(&v))
                    return false;
                part = v.text;
            } else {
                while (m_i < m_t.size() && (peek().isLetterOrNumber() || peek() == u'_' || peek() == u'-'))
                    part += m_t.at(m_i++);
                if (part.isEmpty())
                    return fail(QStringLiteral("expected a key"));
            }
            path->append(part);
            skipSpaces();
            if (peek() != u'.')
                return true;
            ++m_i;
        }
    }
    bool readString(Value *v)
    {
        const QChar quote = m_t.at(m_i++);
        v->kind = Value::Kind::String;
        v->line = m_line;
        while (m_i < m_t.size() && peek() != quote) {
            QChar c = m_t.at(m_i++);
            if (c == u'\n')
                return fail(QStringLiteral("a string must end on its line"));
            if (c == u'\\' && quote == u'"') {
                const QChar esc = m_t.at(m_i++);
                switch (esc.unicode()) {
                case 'n': c = u'\n'; break;
                case 't': c = u'\t'; break;
                case '"': c = u'"'; break;
                case '\\': c = u'\\'; break;
                default: return fail(QStringLiteral("unsupported escape '\\%1'").arg(esc));
                }
            }
            v->text += c;
        }
        if (m_i >= m_t.size())
            return fail(QStringLiteral("a string is not closed"));
        ++m_i;
        return true;
    }
    // Arrays and inline tables nest at most this deep: containerd's hosts.toml nests two levels
    // (capabilities, header values), and a reader that recursed without a bound ran out of stack.
    static constexpr int kMaxDepth = 32;

    bool readValue(Value *v, int depth = 0)
    {
        v->line = m_line;
        const QChar c = peek();
        if ((c == u'[' || c == u'{') && depth >= kMaxDepth)
            return fail(QStringLiteral("values nest deeper than %1 levels").arg(kMaxDepth));
        if (c == u'"' || c == u'\'')
            return readString(v);
        if (c == u'[') {
            ++m_i;
            v->kind = Value::Kind::Array;
            for (;;) {
                if (!skipBlankLines())
                    return fail(QStringLiteral("an array is not closed"));
                if (peek() == u']') {
                    ++m_i;
                    return true;
                }
                Value item;
                if (!readValue(&item, depth + 1))
                    return false;
                v->items.append(item);
                if (!skipBlankLines())
                    return fail(QStringLiteral("an array is not closed"));
                if (peek() == u',')
                    ++m_i;
                else if (peek() != u']')
                    return fail(QStringLiteral("expected ',' or ']' in an array"));
            }
        }
        if (c == u'{') {
            ++m_i;
            v->kind = Value::Kind::Table;
            for (;;) {
                skipSpaces();
                if (peek() == u'}') {
                    ++m_i;
                    return true;
                }
                QStringList key;
                if (!readKeyPath(&key))
                    return false;
                skipSpaces();
                if (peek() != u'=')
                    return fail(QStringLiteral("expected '=' in an inline table"));
                ++m_i;
                skipSpaces();
                Value field;
                if (!readValue(&field, depth + 1))
                    return false;
                v->fields.append({key.join(u'.'), field});
                skipSpaces();
                if (peek() == u',')
                    ++m_i;
                else if (peek() != u'}')
                    return fail(QStringLiteral("expected ',' or '}' in an inline table"));
            }
        }
        QString word;
        while (m_i < m_t.size() && (peek().isLetterOrNumber() || peek() == u'_' || peek() == u'-' || peek() == u'+'))
            word += m_t.at(m_i++);
        if (word == u"true" || word == u"false") {
            v->kind = Value::Kind::Bool;
            v->flag = word == u"true";
            return true;
        }
        bool ok = false;
        word.remove(u'_').toLongLong(&ok);
        if (ok) {
            v->kind = Value::Kind::Int;
            v->text = word;
            return true;
        }
        return fail(word.isEmpty() ? QStringLiteral("expected a value") : QStringLiteral("'%1' is not a value").arg(word));
    }

    const QString m_t;
    qsizetype m_i = 0;
    int m_line = 1;
};

const QStringList kHostKeys = {QStringLiteral("capabilities"), QStringLiteral("ca"),     QStringLiteral("client"),
                               QStringLiteral("skip_verify"),  QStringLiteral("header"), QStringLiteral("override_path")};

HostsFinding finding(HostsFinding::Severity s, const HostsFile &f, int line, const QString &code, const QString &message)
{
    return HostsFinding{s, f.file, line, code, message};
}

// One host's keys (root or [host."…"]) into entry; false when containerd would refuse them.
bool applyKey(HostsFile &f, HostEntry &entry, const QString &key, const Value &v, int line, const QString &baseDir)
{
    auto reject = [&](const QString &why) {
        f.rejected = true;
        f.rejectReason = why;
        f.rejectLine = line;
        return false;
    };
    auto strings = [&](const Value &val, QStringList *out) {
        if (val.kind == Value::Kind::String) {
            out->append(val.text);
            return true;
        }
        if (val.kind != Value::Kind::Array)
            return false;
        for (const Value &item : val.items) {
            if (item.kind != Value::Kind::String)
                return false;
            out->append(item.text);
        }
        return true;
    };
    if (key == u"capabilities") {
        QStringList caps;
        if (v.kind != Value::Kind::Array || !strings(v, &caps))
            return reject(QStringLiteral("capabilities must be a list of strings"));
        entry.capabilities.clear();
        for (const QString &c : std::as_const(caps)) {
            const QString lower = c.toLower();
            if (lower != u"pull" && lower != u"resolve" && lower != u"push")
                return reject(QStringLiteral("unknown capability %1").arg(c));
            if (!entry.capabilities.contains(lower))
                entry.capabilities.append(lower);
        }
        if (caps.isEmpty())
            entry.capabilities = {QStringLiteral("pull"), QStringLiteral("resolve"), QStringLiteral("push")};
        entry.capabilitiesWritten = !caps.isEmpty();
    } else if (key == u"ca") {
        QStringList files;
        if (!strings(v, &files))
            return reject(QStringLiteral("invalid type for \"ca\""));
        for (const QString &file : std::as_const(files))
            entry.ca.append(QDir::isAbsolutePath(file) ? file : QDir(baseDir).filePath(file));
    } else if (key == u"skip_verify") {
        if (v.kind != Value::Kind::Bool)
            return reject(QStringLiteral("skip_verify must be true or false"));
        entry.skipVerify = v.flag;
    } else if (key == u"override_path") {
        if (v.kind != Value::Kind::Bool)
            return reject(QStringLiteral("override_path must be true or false"));
        entry.overridePath = v.flag;
    } else if (key == u"header") {
        if (v.kind != Value::Kind::Table)
            return reject(QStringLiteral("header must be a table"));
        for (const auto &[name, val] : v.fields) {
            QStringList values;
            if (!strings(val, &values))
                return reject(QStringLiteral("invalid type for header %1").arg(name));
            entry.header.insert(name, values);
        }
    } else if (key == u"client") {
        // Client certificates: read, not checked further here.
    } else {
        f.findings.append(finding(
            HostsFinding::Severity::Warning, f, line, QStringLiteral("unknown-key"),
            QStringLiteral("unknown key '%1': containerd ignores it (keys of a host: %2)").arg(key, kHostKeys.join(QStringLiteral(", ")))));
    }
    return true;
}

// Scheme, host and API path of a URL as containerd derives them.
void placeUrl(HostEntry &e, QString url)
{
    e.url = url;
    if (!url.startsWith(u"http"))
        url.prepend(QStringLiteral("https://"));
    const QUrl u(url);
    e.scheme = u.scheme();
    e.host = u.authority();
    QString path = QDir::cleanPath(u.path());
    if (path == u"." || path == u"/")
        path.clear();
    if (!path.isEmpty() && !path.endsWith(u"/v2") && !e.overridePath)
        path += QStringLiteral("/v2");
    else if (path.isEmpty() && !e.overridePath)
        path = QStringLiteral("/v2");
    e.path = path;
}

HostEntry defaultEntry(const QString &ns)
{
    HostEntry e;
    e.isServer = true;
    e.scheme = QStringLiteral("https");
    e.host = clientref::defaultHost(ns);
    e.url = e.scheme + QStringLiteral("://") + e.host;
    e.path = QStringLiteral("/v2");
    e.capabilities = {QStringLiteral("pull"), QStringLiteral("resolve"), QStringLiteral("push")};
    return e;
}

} // namespace

QString severityName(HostsFinding::Severity s)
{
    return s == HostsFinding::Severity::Error ? QStringLiteral("error") : QStringLiteral("warning");
}

QString HostEntry::manifestUrl(const QString &repositoryPath, const QString &reference, const QString &ns) const
{
    QString u = scheme + QStringLiteral("://") + host + path + u'/' + repositoryPath + QStringLiteral("/manifests/") + reference;
    if (!isServer)
        u += QStringLiteral("?ns=") + ns;
    return u;
}

HostsFile HostsFile::parse(const QByteArray &toml, const QString &file, const QString &ns)
{
    HostsFile f;
    f.file = file;
    f.ns = ns;
    Document doc;
    Reader reader(QString::fromUtf8(toml));
    if (!reader.read(&doc)) {
        f.rejected = true;
        f.rejectReason = reader.error;
        f.rejectLine = reader.errorLine;
        return f;
    }
    const QString baseDir = QFileInfo(file).absolutePath();
    QMap<QString, HostEntry> byUrl;
    QList<QPair<int, QString>> order;
    HostEntry server;
    server.isServer = true;
    server.capabilities = {QStringLiteral("pull"), QStringLiteral("resolve"), QStringLiteral("push")};
    for (const auto &[path, line] : std::as_const(doc.tables)) {
        if (path.size() == 2 && path[0] == u"host") {
            order.append({line, path[1]});
            HostEntry &e = byUrl[path[1]];
            e.line = line;
            e.capabilities = {QStringLiteral("pull"), QStringLiteral("resolve"), QStringLiteral("push")};
        } else if (!(path.size() == 3 && path[0] == u"host" && path[2] == u"header") && path != QStringList{QStringLiteral("header")}) {
            f.findings.append(finding(HostsFinding::Severity::Warning, f, line, QStringLiteral("unknown-table"),
                                      QStringLiteral("unknown table [%1]: containerd ignores it").arg(path.join(u'.'))));
        }
    }
    for (const Entry &e : std::as_const(doc.entries)) {
        if (e.table.isEmpty()) {
            if (e.key == u"server") {
                if (e.value.kind != Value::Kind::String) {
                    f.rejected = true;
                    f.rejectReason = QStringLiteral("server must be a string");
                    f.rejectLine = e.line;
                    return f;
                }
                f.server = e.value.text;
                f.serverLine = e.line;
            } else if (!applyKey(f, server, e.key, e.value, e.line, baseDir)) {
                return f;
            }
        } else if (e.table.size() == 1 && e.table[0] == u"header") {
            Value v = e.value;
            server.header.insert(e.key, v.kind == Value::Kind::String ? QStringList{v.text} : QStringList{});
        } else if (e.table.size() >= 2 && e.table[0] == u"host" && byUrl.contains(e.table[1])) {
            HostEntry &h = byUrl[e.table[1]];
            if (e.table.size() == 3 && e.table[2] == u"header") {
                h.header.insert(e.key, e.value.kind == Value::Kind::String ? QStringList{e.value.text} : QStringList{});
            } else if (e.table.size() == 2 && !applyKey(f, h, e.key, e.value, e.line, baseDir)) {
                return f;
            }
        }
    }
    if (order.isEmpty()) {
        // containerd 1.6 looks the [host] tables up before anything else and drops the file
        // when there are none ("invalid `host` tree").
        f.rejected = true;
        f.rejectReason = QStringLiteral("invalid `host` tree: the file has no [host.\"…\"] table");
        f.rejectLine = 1;
        return f;
    }
    std::sort(order.begin(), order.end());
    // containerd parses every URL with Go's url.Parse and drops the whole file when one fails: a
    // space or a control character in it, or no host at all.
    auto unparsable = [](const QString &url) -> QString {
        for (const QChar c : url)
            if (c.unicode() <= 0x20 || c.unicode() == 0x7f)
                return QStringLiteral("'%1' has %2, which Go's url.Parse refuses: containerd drops the whole file")
                    .arg(printableText(url, 120), c == u' ' ? QStringLiteral("a space") : QStringLiteral("a control character"));
        const qsizetype scheme = url.indexOf(QLatin1String("://"));
        const QString rest = scheme >= 0 ? url.mid(scheme + 3) : url;
        if (rest.section(u'/', 0, 0).isEmpty())
            return QStringLiteral("'%1' names no host: containerd drops the whole file").arg(printableText(url, 120));
        return {};
    };
    for (const auto &[line, url] : std::as_const(order)) {
        if (const QString why = unparsable(url); !why.isEmpty()) {
            f.rejected = true;
            f.rejectReason = why;
            f.rejectLine = line;
            return f;
        }
    }
    if (!f.server.isEmpty()) {
        if (const QString why = unparsable(f.server); !why.isEmpty()) {
            f.rejected = true;
            f.rejectReason = QStringLiteral("server ") + why;
            f.rejectLine = f.serverLine;
            return f;
        }
    }
    for (const auto &[line, url] : std::as_const(order)) {
        HostEntry h = byUrl.value(url);
        placeUrl(h, url);
        f.hosts.append(h);
    }
    if (!f.server.isEmpty()) {
        server.line = f.serverLine;
        placeUrl(server, f.server);
        f.hosts.append(server);
    } else {
        HostEntry fallback = defaultEntry(ns);
        fallback.header = server.header;
        fallback.ca = server.ca;
        fallback.skipVerify = server.skipVerify;
        f.hosts.append(fallback);
    }
    return f;
}

QString namespaceOfDirectory(const QString &dirName)
{
    if (dirName.endsWith(u'_') && dirName.count(u'_') >= 2) {
        const QString inner = dirName.chopped(1);
        const qsizetype sep = inner.lastIndexOf(u'_');
        bool isPort = false;
        inner.mid(sep + 1).toInt(&isPort);
        if (sep > 0 && isPort)
            return inner.left(sep) + u':' + inner.mid(sep + 1);
    }
    return dirName;
}

QStringList directoriesForNamespace(const QString &ns)
{
    QStringList dirs;
    const qsizetype colon = ns.lastIndexOf(u':');
    if (colon > 0)
        dirs << ns.left(colon) + u'_' + ns.mid(colon + 1) + u'_';
    dirs << ns << QStringLiteral("_default");
    return dirs;
}

QList<HostEntry> resolveHosts(const QString &ns, const QString &hostsDir, QString *source)
{
    if (source)
        source->clear();
    if (!hostsDir.isEmpty()) {
        for (const QString &name : directoriesForNamespace(ns)) {
            const QString dir = QDir(hostsDir).filePath(name);
            if (!QFileInfo(dir).isDir())
                continue;
            const QString path = QDir(dir).filePath(QStringLiteral("hosts.toml"));
            QString unreadable;
            const std::optional<QByteArray> text =
                QFileInfo::exists(path) ? readInputFile(path, inputlimit::HostsToml, &unreadable) : std::nullopt;
            if (!text || text->isEmpty())
                break; // containerd then reads Docker-style certificate files: default host
            const HostsFile parsed = HostsFile::parse(*text, path, ns);
            if (parsed.rejected)
                break;
            if (source)
                *source = path;
            return parsed.hosts;
        }
    }
    return {defaultEntry(ns)};
}

QList<HostsFile> readHostsDir(const QString &dir)
{
    QList<HostsFile> out;
    const QFileInfoList subdirs = QDir(dir).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QFileInfo &sub : subdirs) {
        const QString path = QDir(sub.filePath()).filePath(QStringLiteral("hosts.toml"));
        if (!QFileInfo::exists(path) && !QFileInfo(path).isSymLink())
            continue;
        QString unreadable;
        const std::optional<QByteArray> text = readInputFile(path, inputlimit::HostsToml, &unreadable);
        if (!text) {
            // Not a file containerd can use (a directory, a FIFO, a loop of links, too large): said
            // as a rejected file, not passed over as if there were none.
            HostsFile bad;
            bad.ns = namespaceOfDirectory(sub.fileName());
            bad.file = path;
            bad.rejected = true;
            bad.rejectReason = unreadable;
            out.append(bad);
            continue;
        }
        out.append(HostsFile::parse(*text, path, namespaceOfDirectory(sub.fileName())));
    }
    return out;
}

} // namespace ferry
