// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "clients/inventory.h"
#include "parse/inputfile.h"

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

#include <yaml-cpp/yaml.h>

namespace ferry {

namespace {

QString str(const YAML::Node &n)
{
    return n && n.IsScalar() ? QString::fromStdString(n.Scalar()) : QString();
}

int lineOf(const YAML::Node &n)
{
    const YAML::Mark m = n.Mark();
    return m.is_null() ? 0 : m.line + 1;
}

YAML::Node at(const YAML::Node &n, std::initializer_list<const char *> path)
{
    // Rebinding with reset(): a YAML::Node's operator= writes into the node it refers to,
    // which would overwrite the document being walked.
    YAML::Node cur;
    cur.reset(n);
    for (const char *key : path) {
        if (!cur || !cur.IsMap())
            return YAML::Node(YAML::NodeType::Undefined);
        const YAML::Node &constCur = cur;
        const YAML::Node next = constCur[key];
        if (!next) // a missing key is an invalid node, which reset() refuses
            return YAML::Node(YAML::NodeType::Undefined);
        cur.reset(next);
    }
    return cur;
}

const QSet<QString> &workloadKinds()
{
    static const QSet<QString> kinds = {QStringLiteral("Pod"),       QStringLiteral("Deployment"),           QStringLiteral("StatefulSet"),
                                        QStringLiteral("DaemonSet"), QStringLiteral("ReplicaSet"),           QStringLiteral("Job"),
                                        QStringLiteral("CronJob"),   QStringLiteral("ReplicationController")};
    return kinds;
}

class Walker
{
public:
    Walker(const QString &file, const ClientSource &source, Inventory *inv)
        : m_file(file)
        , m_source(source)
        , m_inv(inv)
    { }

    void document(const YAML::Node &doc)
    {
        if (!doc.IsMap())
            return;
        if (doc["kind"] && doc["apiVersion"])
            object(doc);
        else
            values(doc, QString(), globalRegistry(doc), QStringLiteral("values"), QString());
    }

private:
    // What a manifest wrote is echoed printable and cut short: a forged line or a 10 MB key must not
    // reach the terminal or the log as it is.
    qint64 m_visited = 0;
    int m_depth = 0;
    bool m_overBudget = false;

    void warn(int line, const QString &what)
    {
        m_inv->warnings.append(QStringLiteral("%1:%2: %3").arg(printableText(m_file, 300)).arg(line).arg(printableText(what, 300)));
    }

    void add(const QString &written, int line, const QString &kind, const QString &object, const QString &container,
             const QString &running = {}, bool tagFromChart = false)
    {
        QString error;
        const auto ref = ClientRef::parse(written, &error);
        if (!ref) {
            warn(line, error);
            return;
        }
        ClientReference r;
        r.ref = *ref;
        if (tagFromChart) {
            r.ref.tag.clear(); // the chart's appVersion decides; Ferry cannot know it from here
        }
        r.written = written;
        r.cluster = m_source.cluster;
        r.customer = m_source.customer;
        r.file = m_file;
        r.line = line;
        r.kind = kind;
        r.object = object;
        r.container = container;
        r.runningDigest = running;
        m_inv->references.append(std::move(r));
    }

    void object(const YAML::Node &o)
    {
        const QString kind = str(o["kind"]);
        ++m_inv->objects;
        if (kind == u"List" || (kind.endsWith(u"List") && o["items"])) {
            for (const YAML::Node &item : o["items"])
                if (item.IsMap())
                    object(item);
            return;
        }
        const QString ns = str(at(o, {"metadata", "namespace"}));
        const QString name = ns.isEmpty() ? str(at(o, {"metadata", "name"})) : ns + u'/' + str(at(o, {"metadata", "name"}));
        if (workloadKinds().contains(kind)) {
            const YAML::Node spec = kind == u"Pod" ? o["spec"]
                : kind == u"CronJob"               ? at(o, {"spec", "jobTemplate", "spec", "template", "spec"})
                                                   : at(o, {"spec", "template", "spec"});
            QHash<QString, QString> running;
            if (kind == u"Pod") {
                for (const char *list : {"containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"})
                    for (const YAML::Node &s : at(o, {"status", list}))
                        running.insert(str(s["name"]), clientref::digestOfImageId(str(s["imageID"])));
            }
            if (!spec || !spec.IsMap())
                return;
            for (const char *list : {"containers", "initContainers", "ephemeralContainers"})
                for (const YAML::Node &c : spec[list]) {
                    const QString image = str(c["image"]);
                    if (image.isEmpty())
                        continue;
                    add(image, lineOf(c["image"]), kind, name, str(c["name"]), running.value(str(c["name"])));
                }
        } else if (kind == u"HelmRelease") {
            const YAML::Node vals = at(o, {"spec", "values"});
            if (vals && vals.IsMap())
                values(vals, QString(), globalRegistry(vals), kind, name);
            release(o, ns, name);
        } else if (kind == u"HelmRepository" || kind == u"OCIRepository") {
            ChartSourceRef c;
            c.cluster = m_source.cluster;
            c.kind = kind;
            c.object = name;
            c.url = str(at(o, {"spec", "url"}));
            c.oci = kind == u"OCIRepository" || str(at(o, {"spec", "type"})) == u"oci" || c.url.startsWith(u"oci://");
            c.file = m_file;
            c.line = lineOf(o["kind"]);
            m_inv->chartSources.append(c);
            if (kind == u"OCIRepository" && c.url.startsWith(u"oci://")) {
                const QString base = c.url.mid(6);
                const QString digest = str(at(o, {"spec", "ref", "digest"}));
                const QString tag = str(at(o, {"spec", "ref", "tag"}));
                if (!digest.isEmpty())
                    add(base + u'@' + digest, lineOf(at(o, {"spec", "ref", "digest"})), kind, name, QString());
                else if (!tag.isEmpty())
                    add(base + u':' + tag, lineOf(at(o, {"spec", "ref", "tag"})), kind, name, QString());
            }
        }
    }

    // spec.chart.spec {chart, version, sourceRef}, or spec.chartRef (Flux 2.3+: an OCIRepository
    // or HelmChart); the source's namespace defaults to the release's.
    void release(const YAML::Node &o, const QString &ns, const QString &name)
    {
        ChartReleaseRef r;
        r.cluster = m_source.cluster;
        r.object = name;
        r.file = m_file;
        r.line = lineOf(o["kind"]);
        // No Node is assigned here: operator= on a yaml-cpp Node writes into the document.
        auto source = [&](const YAML::Node &ref) {
            if (!ref || !ref.IsMap())
                return;
            r.sourceKind = str(ref["kind"]);
            const QString sourceNs = ref["namespace"] ? str(ref["namespace"]) : ns;
            r.source = sourceNs.isEmpty() ? str(ref["name"]) : sourceNs + u'/' + str(ref["name"]);
        };
        const YAML::Node chart = at(o, {"spec", "chart", "spec"});
        const YAML::Node chartRef = at(o, {"spec", "chartRef"});
        if (chart && chart.IsMap()) {
            r.chart = str(chart["chart"]);
            r.version = chart["version"] ? str(chart["version"]) : QStringLiteral("*");
            source(chart["sourceRef"]);
        } else if (chartRef && chartRef.IsMap()) {
            source(chartRef);
        } else {
            warn(r.line, QStringLiteral("HelmRelease %1 names no chart (spec.chart.spec or spec.chartRef)").arg(name));
            return;
        }
        m_inv->chartReleases.append(r);
    }

    static QString globalRegistry(const YAML::Node &root)
    {
        if (const QString r = str(at(root, {"global", "imageRegistry"})); !r.isEmpty())
            return r;
        return str(at(root, {"global", "image", "registry"}));
    }

    static bool isImageKey(const QString &key)
    {
        return key.compare(u"image", Qt::CaseInsensitive) == 0 || key.endsWith(u"Image") || key.endsWith(u"_image");
    }

    // Helm values: `image: repo:tag` and `image: {registry, repository|name, tag, digest}`,
    // anywhere in the tree.
    // A file's values are walked at most this many nodes and this deep: YAML aliases share nodes,
    // so a "billion laughs" of a few lines walks exponentially many (it ran for minutes and took
    // gigabytes); past the budget the file's remaining values are left out, and said so.
    static constexpr qint64 kMaxValueNodes = 1'000'000;
    static constexpr int kMaxValueDepth = 64;

    void values(const YAML::Node &n, const QString &path, const QString &globalReg, const QString &kind, const QString &object)
    {
        if (++m_visited > kMaxValueNodes || m_depth >= kMaxValueDepth) {
            if (!m_overBudget)
                warn(lineOf(n),
                     m_depth >= kMaxValueDepth
                         ? QStringLiteral("values nest deeper than %1 levels; the rest of the file is not read").arg(kMaxValueDepth)
                         : QStringLiteral("more than %1 values (YAML aliases expanding?); the rest of the file is not read")
                               .arg(kMaxValueNodes));
            m_overBudget = true;
            return;
        }
        ++m_depth;
        walkValues(n, path, globalReg, kind, object);
        --m_depth;
    }

    void walkValues(const YAML::Node &n, const QString &path, const QString &globalReg, const QString &kind, const QString &object)
    {
        if (n.IsSequence()) {
            int i = 0;
            for (const YAML::Node &item : n)
                values(item, path + QStringLiteral("[%1]").arg(i++), globalReg, kind, object);
            return;
        }
        if (!n.IsMap())
            return;
        for (auto it = n.begin(); it != n.end(); ++it) {
            const QString key = QString::fromStdString(it->first.Scalar());
            const QString here = path.isEmpty() ? key : path + u'.' + key;
            const YAML::Node v = it->second;
            const QString where = object.isEmpty() ? here : object + QStringLiteral(" .") + here;
            if (isImageKey(key) && v.IsScalar()) {
                QString image = str(v);
                const QString siblingTag = str(n["tag"]).isEmpty() ? str(n["imageTag"]) : str(n["tag"]);
                if (image.isEmpty())
                    continue;
                const bool hasTag = image.lastIndexOf(u':') > image.lastIndexOf(u'/') || image.contains(u'@');
                if (!hasTag && !siblingTag.isEmpty())
                    image += u':' + siblingTag;
                add(image, lineOf(v), kind, where, QString());
            } else if (isImageKey(key) && v.IsMap() && (v["repository"] || v["name"])) {
                imageBlock(v, globalReg, kind, where);
            } else {
                values(v, here, globalReg, kind, object);
            }
        }
    }

    void imageBlock(const YAML::Node &v, const QString &globalReg, const QString &kind, const QString &where)
    {
        const YAML::Node repoNode = v["repository"] ? v["repository"] : v["name"];
        QString repository = str(repoNode);
        if (repository.isEmpty())
            return;
        QString registry = str(v["registry"]);
        if (registry.isEmpty())
            registry = globalReg;
        QString text = registry.isEmpty() ? repository : registry + u'/' + repository;
        const QString tag = str(v["tag"]);
        const QString digest = str(v["digest"]);
        if (!tag.isEmpty())
            text += u':' + tag;
        if (!digest.isEmpty())
            text += u'@' + digest;
        add(text, lineOf(repoNode), kind, where, QString(), QString(), tag.isEmpty() && digest.isEmpty());
    }

    QString m_file;
    const ClientSource &m_source;
    Inventory *m_inv;
};

bool isManifestFile(const QString &name)
{
    return name.endsWith(u".yaml") || name.endsWith(u".yml") || name.endsWith(u".json");
}

} // namespace

void readManifestText(const QByteArray &text, const QString &file, const ClientSource &source, Inventory *into)
{
    ++into->files;
    std::vector<YAML::Node> docs;
    try {
        docs = YAML::LoadAll(text.toStdString());
    } catch (const YAML::Exception &e) {
        into->warnings.append(QStringLiteral("%1:%2: not YAML or JSON (%3); its references are not counted")
                                  .arg(file)
                                  .arg(e.mark.line + 1)
                                  .arg(printableText(QString::fromStdString(e.msg), 300)));
        return;
    }
    Walker walker(file, source, into);
    for (const YAML::Node &doc : docs) {
        try {
            walker.document(doc);
        } catch (const YAML::Exception &e) {
            into->warnings.append(
                QStringLiteral("%1:%2: %3").arg(file).arg(e.mark.line + 1).arg(printableText(QString::fromStdString(e.msg), 300)));
        }
    }
}

Inventory readInventory(const QList<ClientSource> &sources)
{
    Inventory inv;
    struct File
    {
        QString path;
        const ClientSource *source;
    };
    QList<File> files;
    for (const ClientSource &source : sources) {
        for (const QString &path : source.paths) {
            const QFileInfo info(path);
            if (info.isDir()) {
                QStringList found;
                // System too: a FIFO or a device among the manifests is named and refused, not passed over.
                QDirIterator it(path, QDir::Files | QDir::System, QDirIterator::Subdirectories);
                while (it.hasNext()) {
                    const QString f = it.next();
                    if (isManifestFile(f))
                        found << f;
                }
                found.sort();
                for (const QString &f : std::as_const(found))
                    files.append({f, &source});
            } else if (info.exists() || info.isSymLink()) {
                files.append({path, &source}); // a FIFO, a device or a link loop: readInputFile says which
            } else {
                inv.warnings.append(QStringLiteral("%1: no such file or directory (cluster %2)").arg(path, source.cluster));
            }
        }
    }
    // YAML parsing is most of the time (yaml-cpp reads a few MB/s): the files are read on
    // every core, each into its own inventory, and merged in the order they were listed.
    // A pool of their own: the callers are often on the global pool (the pages' reads), and
    // two of them waiting there for work queued behind them would wait for ever.
    static QThreadPool parsers;
    parsers.setMaxThreadCount(QThread::idealThreadCount());
    const QList<Inventory> parts = QtConcurrent::blockingMapped(&parsers, files, [](const File &f) {
        Inventory part;
        QString unreadable;
        const std::optional<QByteArray> text = readInputFile(f.path, inputlimit::ClusterFile, &unreadable);
        if (!text)
            part.warnings.append(QStringLiteral("%1 (cluster %2)").arg(unreadable, f.source->cluster));
        else
            readManifestText(*text, f.path, *f.source, &part);
        return part;
    });
    for (const Inventory &part : parts) {
        inv.references += part.references;
        inv.chartSources += part.chartSources;
        inv.chartReleases += part.chartReleases;
        inv.warnings += part.warnings;
        inv.files += part.files;
        inv.objects += part.objects;
    }
    return inv;
}

} // namespace ferry
