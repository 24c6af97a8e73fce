// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "imagespage.h"

#include "core/workspace.h"
#include "store/historytables.h"

#include "manifestmodel.h"
#include "matrix/syncstate.h"
#include "registry/registryerror.h"
#include "store/store.h"
#include "syncmatrixmodel.h"
#include "syntaxhighlighting.h"

#include <QClipboard>
#include <QComboBox>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

namespace ferry {

ImagesPage::ImagesPage(SyncMatrixModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_filter(new QLineEdit(this))
    , m_state(new QComboBox(this))
    , m_registry(new QComboBox(this))
    , m_count(new QLabel(this))
    , m_view(new QTableView(this))
    , m_details(new QTextBrowser(this))
    , m_debounce(new QTimer(this))
    , m_tabs(new QTabWidget(this))
    , m_manifestRegistry(new QComboBox(this))
    , m_fetch(new QPushButton(tr("Fetch manifest"), this))
    , m_manifestStatus(new QLabel(this))
    , m_manifestText(new QPlainTextEdit(this))
    , m_manifestModel(new ManifestModel(this))
    , m_manifestParts(new QTableView(this))
{
    m_filter->setPlaceholderText(tr("Filter by repository or repository:tag (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_state->addItem(tr("All states"), QStringList());
    for (SyncState s : syncstate::filterOrder())
        m_state->addItem(syncstate::name(s), QStringList{syncstate::name(s)});
    m_state->setToolTip(tr("The row's state; with a registry chosen, the state of that registry's cell"));
    m_registry->addItem(tr("Row state"), QString());
    m_registry->setToolTip(tr("Filter by the state of one registry's cells instead of the row's"));
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_registry);
    bar->addWidget(m_state);
    bar->addWidget(m_count);

    m_view->setModel(m_model);
    // QHeaderView's default indicator is descending: start with the matrix in A-Z order.
    m_view->horizontalHeader()->setSortIndicator(SyncMatrixModel::RepositoryColumn, Qt::AscendingOrder);
    m_view->setSortingEnabled(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->setVisible(false);
    // Fixed row heights and column widths: ResizeToContents over a million rows took 69 s.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->horizontalHeader()->setDefaultSectionSize(145);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex index = m_view->indexAt(pos);
        const QString digest = digestAt(index);
        QMenu menu(this);
        QAction *copyDigest = menu.addAction(tr("Copy digest"), this, [digest] { QGuiApplication::clipboard()->setText(digest); });
        const QString reference = referenceAt(index);
        QAction *copyReference =
            menu.addAction(tr("Copy reference %1").arg(reference), this, [reference] { QGuiApplication::clipboard()->setText(reference); });
        copyDigest->setEnabled(!digest.isEmpty());
        copyReference->setEnabled(!reference.isEmpty());
        // What the target lacks, copied by digest once approved: this row, or every row in its state.
        const std::optional<MatrixRow> row = index.isValid() ? m_model->rowAt(index.row()) : std::nullopt;
        const bool copyable = row && isCopyableState(row->state);
        menu.addSeparator();
        QAction *copyRow =
            menu.addAction(tr("Copy %1:%2 to the target…").arg(row ? row->repository : QString(), row ? row->tag : QString()), this,
                           [this, row] { Q_EMIT copyRequested(row->repository, row->tag, row->state); });
        QAction *copyState = menu.addAction(tr("Copy every %1 row to the target…").arg(row ? row->state : QString()), this,
                                            [this, row] { Q_EMIT copyRequested(QString(), QString(), row->state); });
        copyRow->setEnabled(copyable);
        copyState->setEnabled(copyable);
        if (digest.isEmpty())
            copyDigest->setText(tr("Copy digest (this cell has none)"));
        menu.exec(m_view->viewport()->mapToGlobal(pos));
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_view->setColumnWidth(SyncMatrixModel::RepositoryColumn, 200);
        m_view->setColumnWidth(SyncMatrixModel::TagColumn, 120);
        m_view->setColumnWidth(SyncMatrixModel::StateColumn, 90);
    });

    m_details->setOpenLinks(false);
    m_details->setMinimumHeight(160);
    QWidget *manifestPage = buildManifestTab();
    m_tabs->addTab(m_details, tr("Digests"));
    m_tabs->addTab(manifestPage, tr("Manifest"));
    // The detail panel under the matrix: every registry column of the matrix stays in view.
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_view);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({420, 300});

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    // A keystroke restarts a short timer: typing "app-operator" filters once, not twelve times.
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_debounce, &QTimer::timeout, this, &ImagesPage::applyFilter);
    connect(m_filter, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_state, &QComboBox::currentIndexChanged, this, &ImagesPage::applyFilter);
    connect(m_registry, &QComboBox::currentIndexChanged, this, &ImagesPage::applyFilter);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        // The registry choices follow the matrix's columns.
        const QString current = m_registry->currentData().toString();
        QStringList have;
        for (int i = 1; i < m_registry->count(); ++i)
            have << m_registry->itemData(i).toString();
        if (have == m_model->registries())
            return;
        const QSignalBlocker block(m_registry);
        while (m_registry->count() > 1)
            m_registry->removeItem(1);
        for (const QString &r : m_model->registries())
            m_registry->addItem(tr("Cells in %1").arg(r), r);
        m_registry->setCurrentIndex(qMax(0, m_registry->findData(current)));
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &ImagesPage::updateCount);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ImagesPage::followSelection);
    connect(m_model, &QAbstractItemModel::layoutChanged, this, &ImagesPage::followSelection);
    connect(m_model, &QAbstractItemModel::layoutChanged, this, &ImagesPage::updateCount); // live batches
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &ImagesPage::showDetails);
    connect(&m_history, &QFutureWatcher<QList<Observation>>::finished, this, &ImagesPage::showHistory);
    updateCount();
    m_details->setHtml(tr("<p>Select a row to see its digest in every registry.</p>"));
}

// The manifest tab: pick a registry's digest, fetch it (one GET by digest), read it
// highlighted, and its parts (platforms, config, layers) as a table.
QWidget *ImagesPage::buildManifestTab()
{
    auto *manifestPage = new QWidget(this);
    auto *manifestBar = new QHBoxLayout;
    manifestBar->addWidget(m_manifestRegistry, 1);
    manifestBar->addWidget(m_fetch);
    m_manifestStatus->setWordWrap(true);
    m_manifestStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_manifestText->setReadOnly(true);
    m_manifestText->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_manifestText->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    highlighting::attach(m_manifestText->document(), QStringLiteral("json"));
    m_manifestParts->setModel(m_manifestModel);
    m_manifestParts->verticalHeader()->setVisible(false);
    m_manifestParts->horizontalHeader()->setStretchLastSection(true);
    m_manifestParts->setSelectionBehavior(QAbstractItemView::SelectRows);
    auto *manifestSplit = new QSplitter(Qt::Vertical, manifestPage);
    manifestSplit->addWidget(m_manifestText);
    manifestSplit->addWidget(m_manifestParts);
    manifestSplit->setStretchFactor(0, 3);
    manifestSplit->setStretchFactor(1, 1);
    auto *manifestLayout = new QVBoxLayout(manifestPage);
    manifestLayout->setContentsMargins(4, 4, 4, 4);
    manifestLayout->addLayout(manifestBar);
    manifestLayout->addWidget(m_manifestStatus);
    manifestLayout->addWidget(manifestSplit, 1);
    connect(m_fetch, &QPushButton::clicked, this, &ImagesPage::fetchManifest);
    return manifestPage;
}

void ImagesPage::applyFilter()
{
    m_model->setFilter(m_filter->text(), m_state->currentData().toStringList(), m_registry->currentData().toString());
}

void ImagesPage::showState(const QString &state)
{
    showCells(QString(), state.isEmpty() ? QStringList() : QStringList{state});
}

void ImagesPage::showCells(const QString &registry, const QStringList &states)
{
    const QSignalBlocker blockState(m_state), blockRegistry(m_registry);
    int r = m_registry->findData(registry);
    if (r < 0 && !registry.isEmpty()) {
        m_registry->addItem(tr("Cells in %1").arg(registry), registry);
        r = m_registry->count() - 1;
    }
    m_registry->setCurrentIndex(qMax(0, r));
    int s = m_state->findData(states);
    if (s < 0) {
        // A set of states (an Overview stage's open part) gets an entry of its own.
        m_state->addItem(states.join(QStringLiteral(", ")), states);
        s = m_state->count() - 1;
    }
    m_state->setCurrentIndex(s);
    applyFilter();
}

void ImagesPage::clearTextFilter()
{
    const QSignalBlocker block(m_filter);
    m_filter->clear();
}

void ImagesPage::showRow(const QString &repository, const QString &tag)
{
    {
        const QSignalBlocker block(m_filter);
        m_filter->setText(tag.isEmpty() ? repository : repository + u':' + tag);
    }
    showCells(QString(), {});
    if (m_model->rowCount() > 0)
        m_view->setCurrentIndex(m_model->index(0, 0));
}

void ImagesPage::followSelection()
{
    const std::optional<MatrixRow> r = m_model->rowAt(m_view->currentIndex().row());
    if ((r ? r->repository + u':' + r->tag : QString()) != m_detailsRow)
        showDetails();
}

void ImagesPage::focusFilter()
{
    m_filter->setFocus();
    m_filter->selectAll();
}

void ImagesPage::updateCount()
{
    m_count->setText(tr("%L1 of %L2 rows").arg(m_model->rowCount()).arg(m_model->totalRows()));
}

void ImagesPage::showDetails()
{
    resetManifest();
    const std::optional<MatrixRow> r = m_model->rowAt(m_view->currentIndex().row());
    m_detailsRow = r ? r->repository + u':' + r->tag : QString();
    if (!r) {
        m_history.setFuture(QFuture<QList<Observation>>()); // a history still being read is for no row now
        m_details->setHtml(tr("<p>Select a row to see its digest in every registry.</p>"));
        return;
    }
    QString html = QStringLiteral("<h3>%1:%2</h3><p><b>%3</b>%4</p>")
                       .arg(r->repository.toHtmlEscaped(), r->tag.toHtmlEscaped(), r->state.toHtmlEscaped(),
                            r->reason.isEmpty() ? QString() : QStringLiteral("<br>") + r->reason.toHtmlEscaped());
    // One line per registry: the panel sits under the matrix, as wide as the window.
    const auto when = [](const QDateTime &t) {
        return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QStringLiteral("–");
    };
    html += tr("<table cellspacing=0 cellpadding=3><tr><th align=left>Registry</th><th align=left>State</th><th align=left>Digest</th>"
               "<th align=left>Media type</th><th align=left>First seen</th><th align=left>Last seen</th><th align=left>Why</th></tr>");
    for (const QString &reg : m_model->registries()) {
        if (!r->cells.contains(reg))
            continue;
        const MatrixCell &c = r->cells[reg];
        // The full digest on one line (it is what gets compared and copied); the media type
        // without its common "application/vnd." (the tooltip of the matrix has it whole).
        QString mediaType = c.mediaType;
        if (mediaType.startsWith(QStringLiteral("application/vnd.")))
            mediaType = mediaType.mid(16);
        html +=
            QStringLiteral(
                "<tr><td><b>%1</b></td><td>%2</td><td nowrap><tt>%3</tt></td><td><small>%4</small></td><td nowrap>%5</td><td nowrap>%6</td>"
                "<td><i>%7</i></td></tr>")
                .arg(reg.toHtmlEscaped(), c.state.toHtmlEscaped(), c.digest.isEmpty() ? QStringLiteral("–") : c.digest.toHtmlEscaped(),
                     mediaType.toHtmlEscaped(), when(c.firstSeen), when(c.lastSeen), c.reason.toHtmlEscaped());
    }
    html += QStringLiteral("</table>");
    m_detailsHtml = html;
    m_details->setHtml(html);
    if (!m_workspace)
        return;
    // The history comes from the store, read on a pool thread; the panel gains it when it is back
    // (an answer for a row no longer selected is dropped: the watcher follows the latest read).
    m_history.setFuture(m_workspace->read(
        [repository = r->repository, tag = r->tag](Store &store) { return HistoryTables(store).timeline(repository, tag); },
        [](const QString &) { return QList<Observation>(); }));
}

void ImagesPage::showHistory()
{
    if (m_history.future().resultCount() == 0)
        return;
    const QList<Observation> timeline = m_history.result();
    if (timeline.isEmpty())
        return;
    const auto when = [](const QDateTime &t) {
        return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QStringLiteral("–");
    };
    QString html = m_detailsHtml;
    html += tr("<h4>Digest history</h4><table cellspacing=0 cellpadding=3><tr><th align=left>Registry</th><th align=left>Digest</th>"
               "<th align=left>Held</th><th align=left>The registry's own times</th></tr>");
    for (const Observation &o : timeline)
        html += QStringLiteral("<tr><td>%1</td><td><tt>%2</tt></td><td>%3 – %4</td><td>%5</td></tr>")
                    .arg(o.registry.toHtmlEscaped(), o.digest.left(19).toHtmlEscaped(), when(o.firstSeen),
                         o.goneAt.isValid() ? when(o.goneAt) : tr("now"),
                         o.registryCreated.isValid() || o.registryUpdated.isValid()
                             ? tr("created %1, updated %2").arg(when(o.registryCreated), when(o.registryUpdated))
                             : tr("not reported"));
    html += QStringLiteral("</table>");
    m_details->setHtml(html);
}

void ImagesPage::resetManifest()
{
    ++m_fetchGeneration;
    m_manifestRegistry->clear();
    m_manifestText->clear();
    m_manifestModel->setManifest(Manifest());
    const std::optional<MatrixRow> r = m_model->rowAt(m_view->currentIndex().row());
    if (r) {
        for (const QString &reg : m_model->registries()) {
            const MatrixCell c = r->cells.value(reg);
            if (!c.digest.isEmpty())
                m_manifestRegistry->addItem(QStringLiteral("%1  %2").arg(reg, c.digest.left(19)), QStringList{reg, c.digest});
        }
    }
    const bool any = m_manifestRegistry->count() > 0;
    m_fetch->setEnabled(any && m_fetcher);
    m_manifestStatus->setText(!r         ? tr("Select a row.")
                                  : !any ? tr("No registry holds a digest for this tag.")
                                  : !m_fetcher
                                  ? tr("Open a plan to fetch manifests from its registries.")
                                  : tr("Fetch reads the manifest of the chosen registry's digest (one GET by digest, verified)."));
}

void ImagesPage::fetchManifest()
{
    const std::optional<MatrixRow> r = m_model->rowAt(m_view->currentIndex().row());
    const QStringList choice = m_manifestRegistry->currentData().toStringList();
    if (!r || choice.size() != 2 || !m_fetcher)
        return;
    const QString registry = choice.at(0), digest = choice.at(1), repository = r->repository;
    const quint64 generation = ++m_fetchGeneration;
    m_fetch->setEnabled(false);
    m_manifestStatus->setText(tr("Fetching %1@%2 from %3…").arg(repository, digest.left(19), registry));
    m_fetcher(registry, repository, digest).then(this, [this, generation, registry, digest](const Result<ManifestFetch> &result) {
        if (generation != m_fetchGeneration)
            return; // another row, or another fetch, since
        m_fetch->setEnabled(true);
        if (!result.ok()) {
            const QString advice = RegistryError::advice(result.error.kind);
            m_manifestStatus->setText(tr("<span style=\"color:#b3261e\"><b>Could not fetch from %1:</b> %2</span>%3")
                                          .arg(registry.toHtmlEscaped(), result.error.toString().toHtmlEscaped(),
                                               advice.isEmpty() ? QString() : QStringLiteral("<br>") + advice.toHtmlEscaped()));
            Q_EMIT manifestShown(false);
            return;
        }
        const ManifestFetch &f = result.value;
        m_manifestText->setPlainText(highlighting::prettyJson(f.raw));
        m_manifestModel->setManifest(f.manifest);
        QStringList platforms;
        for (const Platform &p : f.manifest.platforms())
            platforms << p.toString();
        m_manifestStatus->setText(
            tr("<b>%1</b> from %2: %3, %L4 bytes%5<br>The bytes hash to the digest the matrix holds.%6")
                .arg(digest.left(19).toHtmlEscaped(), registry.toHtmlEscaped(),
                     (f.manifest.mediaType.isEmpty() ? f.contentType : f.manifest.mediaType).toHtmlEscaped())
                .arg(f.raw.size())
                .arg(platforms.isEmpty() ? QString() : tr(", platforms %1").arg(platforms.join(QStringLiteral(", ")).toHtmlEscaped()),
                     f.warnings.isEmpty() ? QString() : QStringLiteral("<br>") + f.warnings.join(QStringLiteral("; ")).toHtmlEscaped()));
        Q_EMIT manifestShown(true);
    });
}

QString ImagesPage::manifestStatus() const
{
    return m_manifestStatus->text();
}

QString ImagesPage::digestAt(const QModelIndex &index) const
{
    return index.isValid() ? index.data(SyncMatrixModel::DigestRole).toString() : QString();
}

QString ImagesPage::referenceAt(const QModelIndex &index) const
{
    const QString digest = digestAt(index);
    if (digest.isEmpty())
        return {};
    const QString repository = m_model->index(index.row(), SyncMatrixModel::RepositoryColumn).data().toString();
    const QString tag = m_model->index(index.row(), SyncMatrixModel::TagColumn).data().toString();
    const QString host = m_hosts.value(index.data(SyncMatrixModel::RegistryRole).toString());
    return (host.isEmpty() ? QString() : host + u'/') + repository + u':' + tag + u'@' + digest;
}

} // namespace ferry
