#include "imagespage.h"

#include "syncmatrixmodel.h"
#include "store/store.h"

#include <QClipboard>
#include <QComboBox>
#include <QGuiApplication>
#include <QMenu>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
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
    , m_count(new QLabel(this))
    , m_view(new QTableView(this))
    , m_details(new QTextBrowser(this))
    , m_debounce(new QTimer(this))
{
    m_filter->setPlaceholderText(tr("Filter by repository or repository:tag (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_state->addItem(tr("All states"), QString());
    for (const char *s : {"missing", "drifted", "partial", "lagging", "replicating", "unknown", "extra", "synced"})
        m_state->addItem(QString::fromLatin1(s), QString::fromLatin1(s));
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filter, 1);
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
    m_view->horizontalHeader()->setDefaultSectionSize(150);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex index = m_view->indexAt(pos);
        const QString digest = digestAt(index);
        QMenu menu(this);
        QAction *copyDigest = menu.addAction(tr("Copy digest"), this, [digest] { QGuiApplication::clipboard()->setText(digest); });
        const QString reference = referenceAt(index);
        QAction *copyReference = menu.addAction(tr("Copy reference %1").arg(reference), this, [reference] { QGuiApplication::clipboard()->setText(reference); });
        copyDigest->setEnabled(!digest.isEmpty());
        copyReference->setEnabled(!reference.isEmpty());
        if (digest.isEmpty())
            copyDigest->setText(tr("Copy digest (this cell has none)"));
        menu.exec(m_view->viewport()->mapToGlobal(pos));
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_view->setColumnWidth(SyncMatrixModel::RepositoryColumn, 210);
        m_view->setColumnWidth(SyncMatrixModel::TagColumn, 150);
        m_view->setColumnWidth(SyncMatrixModel::StateColumn, 90);
    });

    m_details->setOpenLinks(false);
    m_details->setMinimumWidth(320);
    auto *split = new QSplitter(this);
    split->addWidget(m_view);
    split->addWidget(m_details);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    // A keystroke restarts a short timer: typing "app-operator" filters once, not twelve times.
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_debounce, &QTimer::timeout, this, &ImagesPage::applyFilter);
    connect(m_filter, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_state, &QComboBox::currentIndexChanged, this, &ImagesPage::applyFilter);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ImagesPage::updateCount);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &ImagesPage::showDetails);
    updateCount();
    m_details->setHtml(tr("<p>Select a row to see its digest in every registry.</p>"));
}

void ImagesPage::applyFilter()
{
    const QString state = m_state->currentData().toString();
    m_model->setFilter(m_filter->text(), state.isEmpty() ? QStringList() : QStringList{state});
}

void ImagesPage::showState(const QString &state)
{
    const int i = m_state->findData(state);
    m_state->setCurrentIndex(i < 0 ? 0 : i);
    applyFilter();
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
    const MatrixRow *r = m_model->rowAt(m_view->currentIndex().row());
    if (!r) {
        m_details->clear();
        return;
    }
    QString html = QStringLiteral("<h3>%1:%2</h3><p><b>%3</b>%4</p>")
                       .arg(r->repository.toHtmlEscaped(), r->tag.toHtmlEscaped(), r->state.toHtmlEscaped(),
                            r->reason.isEmpty() ? QString() : QStringLiteral("<br>") + r->reason.toHtmlEscaped());
    html += QStringLiteral("<table cellspacing=4>");
    for (const QString &reg : m_model->registries()) {
        if (!r->cells.contains(reg))
            continue;
        const MatrixCell &c = r->cells[reg];
        html += QStringLiteral("<tr><td valign=top><b>%1</b></td><td>%2<br><tt>%3</tt>%4%5</td></tr>")
                    .arg(reg.toHtmlEscaped(), c.state.toHtmlEscaped(), c.digest.isEmpty() ? QStringLiteral("–") : c.digest.toHtmlEscaped(),
                         c.firstSeen.isValid() ? QStringLiteral("<br>first seen %1, last seen %2").arg(c.firstSeen.toString(Qt::ISODate), c.lastSeen.toString(Qt::ISODate)) : QString(),
                         c.reason.isEmpty() ? QString() : QStringLiteral("<br><i>%1</i>").arg(c.reason.toHtmlEscaped()));
    }
    html += QStringLiteral("</table>");
    if (m_store) {
        const QList<Observation> timeline = m_store->timeline(r->repository, r->tag);
        if (!timeline.isEmpty()) {
            html += tr("<h4>Digest history</h4><table cellspacing=4>");
            for (const Observation &o : timeline)
                html += QStringLiteral("<tr><td>%1</td><td><tt>%2</tt></td><td>%3 – %4</td></tr>")
                            .arg(o.registry.toHtmlEscaped(), o.digest.left(19).toHtmlEscaped(), o.firstSeen.toString(Qt::ISODate),
                                 o.goneAt.isValid() ? o.goneAt.toString(Qt::ISODate) : tr("now"));
            html += QStringLiteral("</table>");
        }
    }
    m_details->setHtml(html);
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
