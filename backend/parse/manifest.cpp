// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "parse/manifest.h"

#include "parse/digest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ferry {

QByteArray mediatype::acceptHeader()
{
    return QByteArray(OciIndex) + ", " + OciManifest + ", " + DockerList + ", " + DockerManifest + ", " + DockerV1Signed + ", " + DockerV1 +
        ", */*;q=0.1";
}

QString Platform::toString() const
{
    QString s = os + u'/' + architecture;
    if (!variant.isEmpty())
        s += u'/' + variant;
    return s;
}

QString manifestKindName(ManifestKind kind)
{
    switch (kind) {
    case ManifestKind::DockerV2: return QStringLiteral("docker-v2");
    case ManifestKind::DockerList: return QStringLiteral("docker-list");
    case ManifestKind::OciManifest: return QStringLiteral("oci-manifest");
    case ManifestKind::OciIndex: return QStringLiteral("oci-index");
    case ManifestKind::DockerV1: return QStringLiteral("docker-v1");
    case ManifestKind::DockerV1Signed: return QStringLiteral("docker-v1-signed");
    case ManifestKind::Unknown: return QStringLiteral("unknown");
    }
    return QStringLiteral("unknown");
}

QString artifactClassName(ArtifactClass c)
{
    switch (c) {
    case ArtifactClass::Image: return QStringLiteral("image");
    case ArtifactClass::Index: return QStringLiteral("index");
    case ArtifactClass::HelmChart: return QStringLiteral("helm-chart");
    case ArtifactClass::CosignSignature: return QStringLiteral("cosign-signature");
    case ArtifactClass::Attestation: return QStringLiteral("attestation");
    case ArtifactClass::Artifact: return QStringLiteral("artifact");
    case ArtifactClass::Unknown: return QStringLiteral("unknown");
    }
    return QStringLiteral("unknown");
}

QList<Platform> Manifest::platforms() const
{
    QList<Platform> out;
    for (const Descriptor &d : children)
        if (d.platform && !d.platform->isEmpty() && !d.platform->isUnknown())
            out.append(*d.platform);
    return out;
}

namespace {

// Keys of the top-level object in document order, duplicates included. QJsonDocument keeps
// the last of duplicated keys while other parsers keep the first: for the keys that decide
// a manifest's type that difference is an attack surface (GHSA-77vh-xpmg-72qh).
QStringList topLevelKeys(const QByteArray &raw)
{
    QStringList keys;
    int depth = 0;
    bool inString = false, escape = false, expectKey = false;
    QByteArray current;
    bool capturing = false;
    for (char c : raw) {
        if (inString) {
            if (escape) {
                escape = false;
                if (capturing)
                    current.append(c);
            } else if (c == '\\') {
                escape = true;
            } else if (c == '"') {
                inString = false;
                if (capturing) {
                    keys.append(QString::fromUtf8(current));
                    capturing = false;
                    expectKey = false;
                }
            } else if (capturing) {
                current.append(c);
            }
            continue;
        }
        switch (c) {
        case '"':
            inString = true;
            if (depth == 1 && expectKey) {
                capturing = true;
                current.clear();
            }
            break;
        case '{':
        case '[':
            ++depth;
            if (depth == 1 && c == '{')
                expectKey = true;
            break;
        case '}':
        case ']': --depth; break;
        case ',':
            if (depth == 1)
                expectKey = true;
            break;
        default: break;
        }
    }
    return keys;
}

QString baseContentType(const QByteArray &contentType)
{
    return QString::fromLatin1(contentType.split(';').constFirst().trimmed().toLower());
}

bool isManifestType(const QString &t)
{
    return t == QLatin1String(mediatype::DockerManifest) || t == QLatin1String(mediatype::DockerList) ||
        t == QLatin1String(mediatype::OciManifest) || t == QLatin1String(mediatype::OciIndex) || t == QLatin1String(mediatype::DockerV1) ||
        t == QLatin1String(mediatype::DockerV1Signed);
}

bool isSchema1Type(const QString &t)
{
    return t == QLatin1String(mediatype::DockerV1) || t == QLatin1String(mediatype::DockerV1Signed);
}

std::optional<Platform> parsePlatform(const QJsonValue &v)
{
    if (!v.isObject())
        return std::nullopt;
    const QJsonObject o = v.toObject();
    Platform p;
    p.os = o.value(QStringLiteral("os")).toString();
    p.architecture = o.value(QStringLiteral("architecture")).toString();
    p.variant = o.value(QStringLiteral("variant")).toString();
    p.osVersion = o.value(QStringLiteral("os.version")).toString();
    return p;
}

Descriptor parseDescriptor(const QJsonObject &o)
{
    Descriptor d;
    d.mediaType = o.value(QStringLiteral("mediaType")).toString();
    d.digest = o.value(QStringLiteral("digest")).toString();
    d.size = o.value(QStringLiteral("size")).toInteger(-1);
    d.artifactType = o.value(QStringLiteral("artifactType")).toString();
    d.platform = parsePlatform(o.value(QStringLiteral("platform")));
    const QJsonObject ann = o.value(QStringLiteral("annotations")).toObject();
    for (auto it = ann.begin(); it != ann.end(); ++it)
        d.annotations.insert(it.key(), it.value().toString());
    return d;
}

ArtifactClass classify(const Manifest &m)
{
    if (m.kind == ManifestKind::Unknown)
        return ArtifactClass::Unknown;
    if (m.isIndex())
        return ArtifactClass::Index;
    if (m.kind == ManifestKind::DockerV1 || m.kind == ManifestKind::DockerV1Signed)
        return ArtifactClass::Image;
    const QString cfg = m.config ? m.config->mediaType : QString();
    if (cfg == QLatin1String(mediatype::HelmConfig))
        return ArtifactClass::HelmChart;
    for (const Descriptor &l : m.layers) {
        if (l.mediaType == QLatin1String(mediatype::CosignSimpleSigning))
            return ArtifactClass::CosignSignature;
        if (l.mediaType == u"application/vnd.in-toto+json")
            return ArtifactClass::Attestation;
    }
    if (!m.artifactType.isEmpty())
        return ArtifactClass::Artifact;
    if (cfg == u"application/vnd.oci.image.config.v1+json" || cfg == u"application/vnd.docker.container.image.v1+json")
        return ArtifactClass::Image;
    return ArtifactClass::Artifact;
}

} // namespace

std::optional<QByteArray> schema1CanonicalPayload(const QByteArray &raw, QString *error)
{
    const QJsonObject o = QJsonDocument::fromJson(raw).object();
    const QJsonValue sigs = o.value(QStringLiteral("signatures"));
    if (!sigs.isArray() || sigs.toArray().isEmpty()) {
        *error = QStringLiteral("schema 1 'signatures' is not a non-empty array");
        return std::nullopt;
    }
    const QJsonObject sig = sigs.toArray().first().toObject();
    const QByteArray protectedB64 = sig.value(QStringLiteral("protected")).toString().toLatin1();
    const auto decoded =
        QByteArray::fromBase64Encoding(protectedB64, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        *error = QStringLiteral("schema 1 signature header is not base64url");
        return std::nullopt;
    }
    const QJsonObject header = QJsonDocument::fromJson(*decoded).object();
    const qint64 formatLength = header.value(QStringLiteral("formatLength")).toInteger(-1);
    const auto tail = QByteArray::fromBase64Encoding(header.value(QStringLiteral("formatTail")).toString().toLatin1(),
                                                     QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (formatLength < 0 || formatLength > raw.size() || !tail) {
        *error = QStringLiteral("schema 1 signature header lacks a usable formatLength/formatTail");
        return std::nullopt;
    }
    return raw.left(formatLength) + *tail;
}

namespace {

// Duck typing, as image-spec allows the mediaType field to be absent.
QString guessType(const QJsonObject &o, int schemaVersion, bool hasLayers, bool hasManifests, bool hasFsLayers)
{
    if (schemaVersion == 2 && hasManifests)
        return QLatin1String(mediatype::OciIndex);
    if (schemaVersion == 2 && (hasLayers || o.contains(QStringLiteral("config")))) {
        const QString cfg = o.value(QStringLiteral("config")).toObject().value(QStringLiteral("mediaType")).toString();
        return cfg == u"application/vnd.docker.container.image.v1+json" ? QLatin1String(mediatype::DockerManifest)
                                                                        : QLatin1String(mediatype::OciManifest);
    }
    if (schemaVersion == 1 && hasFsLayers)
        return o.contains(QStringLiteral("signatures")) ? QLatin1String(mediatype::DockerV1Signed) : QLatin1String(mediatype::DockerV1);
    return {};
}

ManifestKind kindOfType(const QString &type, const QJsonObject &o)
{
    if (type == QLatin1String(mediatype::OciIndex))
        return ManifestKind::OciIndex;
    if (type == QLatin1String(mediatype::DockerList))
        return ManifestKind::DockerList;
    if (type == QLatin1String(mediatype::OciManifest))
        return ManifestKind::OciManifest;
    if (type == QLatin1String(mediatype::DockerManifest))
        return ManifestKind::DockerV2;
    if (isSchema1Type(type))
        return o.contains(QStringLiteral("signatures")) ? ManifestKind::DockerV1Signed : ManifestKind::DockerV1;
    return ManifestKind::Unknown;
}

// Docker's schema 1: layers from fsLayers; a signed one's digest is over its canonical payload.
void readSchema1(ManifestParseResult &r, const QByteArray &raw, const QJsonObject &o)
{
    Manifest &m = r.manifest;
    if (m.kind == ManifestKind::DockerV1Signed) {
        QString err;
        const auto payload = schema1CanonicalPayload(raw, &err);
        if (!payload) {
            r.error = err;
            return;
        }
        m.digest = digest::compute(*payload);
        m.mediaType = QLatin1String(mediatype::DockerV1Signed);
    }
    const QJsonArray fs = o.value(QStringLiteral("fsLayers")).toArray();
    for (const QJsonValue &v : fs) {
        Descriptor d;
        d.digest = v.toObject().value(QStringLiteral("blobSum")).toString();
        m.layers.append(d);
    }
    m.platformOfImage = QStringLiteral("linux/") + o.value(QStringLiteral("architecture")).toString();
    m.artifactClass = ArtifactClass::Image;
}

// Schema 2 (OCI and Docker): descriptors, their digests checked, the content size summed.
void readSchema2(ManifestParseResult &r, const QJsonObject &o, int schemaVersion)
{
    Manifest &m = r.manifest;
    if (schemaVersion != 2)
        m.warnings.append(QStringLiteral("schemaVersion is %1, expected 2").arg(schemaVersion));

    m.artifactType = o.value(QStringLiteral("artifactType")).toString();
    if (o.value(QStringLiteral("subject")).isObject())
        m.subject = parseDescriptor(o.value(QStringLiteral("subject")).toObject());
    if (o.value(QStringLiteral("config")).isObject())
        m.config = parseDescriptor(o.value(QStringLiteral("config")).toObject());

    const QJsonValue layers = o.value(QStringLiteral("layers"));
    for (const QJsonValue &v : layers.toArray()) // null and absent are both "no layers"
        m.layers.append(parseDescriptor(v.toObject()));
    for (const QJsonValue &v : o.value(QStringLiteral("manifests")).toArray())
        m.children.append(parseDescriptor(v.toObject()));

    for (qsizetype i = 0; i < m.children.size(); ++i) {
        if (!digest::isValid(m.children.at(i).digest)) {
            r.error = QStringLiteral("entry %1 of the manifest list has an invalid digest '%2'").arg(i).arg(m.children.at(i).digest);
            return;
        }
    }
    if (m.subject && !digest::isValid(m.subject->digest)) {
        r.error = QStringLiteral("subject has an invalid digest '%1'").arg(m.subject->digest);
        return;
    }
    if (m.config && !digest::isValid(m.config->digest))
        m.warnings.append(QStringLiteral("config descriptor has no valid digest"));
    for (const Descriptor &l : std::as_const(m.layers))
        if (!digest::isValid(l.digest))
            m.warnings.append(QStringLiteral("a layer has an invalid digest '%1'").arg(l.digest));

    if (m.isIndex()) {
        for (const Descriptor &c : std::as_const(m.children))
            m.contentSize += qMax<qint64>(0, c.size);
    } else {
        if (m.config)
            m.contentSize += qMax<qint64>(0, m.config->size);
        for (const Descriptor &l : std::as_const(m.layers))
            m.contentSize += qMax<qint64>(0, l.size);
    }
    m.artifactClass = classify(m);
}

} // namespace

ManifestParseResult parseManifest(const QByteArray &raw, const QByteArray &contentType)
{
    ManifestParseResult r;
    Manifest &m = r.manifest;
    m.rawSize = raw.size();
    m.digest = digest::compute(raw);

    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(raw, &pe);
    if (pe.error != QJsonParseError::NoError) {
        r.error = QStringLiteral("not valid JSON (%1 at byte %2)").arg(pe.errorString()).arg(pe.offset);
        return r;
    }
    if (!doc.isObject()) {
        r.error = QStringLiteral("not a JSON object");
        return r;
    }
    const QJsonObject o = doc.object();

    const QStringList keys = topLevelKeys(raw);
    for (const char *k : {"mediaType", "schemaVersion", "manifests", "layers", "config"}) {
        if (keys.count(QLatin1String(k)) > 1) {
            r.error = QStringLiteral("the document has '%1' more than once; parsers disagree on which counts, so it is refused")
                          .arg(QLatin1String(k));
            return r;
        }
    }

    const int schemaVersion = o.value(QStringLiteral("schemaVersion")).toInt(-1);
    const QString bodyType = o.value(QStringLiteral("mediaType")).toString();
    QString headerType = baseContentType(contentType);
    if (!isManifestType(headerType))
        headerType.clear(); // application/json, octet-stream: no statement about the type
    const bool hasLayers = o.contains(QStringLiteral("layers"));
    const bool hasManifests = o.contains(QStringLiteral("manifests"));
    const bool hasFsLayers = o.contains(QStringLiteral("fsLayers"));

    if (hasLayers && hasManifests) {
        r.error = QStringLiteral("ambiguous document: it has both 'layers' and 'manifests'");
        return r;
    }
    if (!bodyType.isEmpty() && !headerType.isEmpty() && bodyType != headerType && !(isSchema1Type(bodyType) && isSchema1Type(headerType))) {
        r.error = QStringLiteral("the body says %1 but the registry sent Content-Type %2").arg(bodyType, headerType);
        return r;
    }

    QString type = !bodyType.isEmpty() ? bodyType : headerType;
    if (type.isEmpty())
        type = guessType(o, schemaVersion, hasLayers, hasManifests, hasFsLayers);
    m.mediaType = type;

    m.kind = kindOfType(type, o);
    if (m.kind == ManifestKind::Unknown) {
        m.warnings.append(
            type.isEmpty()
                ? QStringLiteral("unrecognised manifest (schemaVersion %1, no mediaType); kept as an opaque object").arg(schemaVersion)
                : QStringLiteral("unrecognised media type %1; kept as an opaque object").arg(type));
        m.artifactClass = ArtifactClass::Unknown;
        return r;
    }

    // The declared type must match the structure, or two clients would see two things.
    if (m.isIndex() && (hasLayers || hasFsLayers)) {
        r.error = QStringLiteral("the document says %1 but carries layers").arg(type);
        return r;
    }
    if (!m.isIndex() && hasManifests) {
        r.error = QStringLiteral("the document says %1 but carries a manifest list").arg(type);
        return r;
    }

    if (m.kind == ManifestKind::DockerV1 || m.kind == ManifestKind::DockerV1Signed) {
        readSchema1(r, raw, o);
        return r;
    }

    readSchema2(r, o, schemaVersion);
    return r;
}

} // namespace ferry
