// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "gui/mainwindow.h"
#include "gui/welcomepage.h"
#include "store/historytables.h"

#include "batchespage.h"
#include "chartspage.h"
#include "cleanuppage.h"
#include "clientspage.h"
#include "copypage.h"
#include "exportdialog.h"
#include "imagespage.h"
#include "net/networkservice.h"
#include "overviewpage.h"
#include "plan/plan.h"
#include "registriespage.h"
#include "registry/registryclient.h"
#include "replicationpage.h"
#include "scan/scanner.h"
#include "store/store.h"
#include "storeworker.h"
#include "syncmatrixmodel.h"

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QIcon>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QThread>
#include <QTimer>
#include <QToolBar>
#include <QtConcurrent/QtConcurrentRun>

namespace ferry {

namespace {

// The desktop theme's icon where it has one, Ferry's own otherwise (resources/icons).
QIcon themedIcon(const QString &name)
{
    return QIcon::fromTheme(name, QIcon(QStringLiteral(":/ferry/icons/%1.svg").arg(name)));
}

// The sidebar's pages, in order: the terminal's eight (pages::names()) with cleanup and copies
// as one Batches page.
const QStringList &windowPageNames()
{
    static const QStringList names{QStringLiteral("overview"), QStringLiteral("images"),     QStringLiteral("replication"),
                                   QStringLiteral("batches"),  QStringLiteral("registries"), QStringLiteral("clients"),
                                   QStringLiteral("charts")};
    return names;
}
constexpr int kBatchesRow = 3;

} // namespace

MainWindow::MainWindow(const QString &planPath, const QString &dbPath, QWidget *parent)
    : QMainWindow(parent)
    , m_workspace(new Workspace(2, this))
    , m_model(new SyncMatrixModel(this))
    , m_sidebar(new QListWidget(this))
    , m_pages(new QStackedWidget(this))
    , m_scanLabel(new QLabel(this))
    , m_scanProgress(new QProgressBar(this))
{
    m_planName = planPath.isEmpty() ? QString() : QFileInfo(planPath).fileName();
    updateTitle();
    setWindowIcon(QIcon(QStringLiteral(":/ferry/ferry.svg")));
    m_overview = new OverviewPage(m_model, this);
    m_images = new ImagesPage(m_model, this);
    m_cleanup = new CleanupPage(this);
    m_images->setManifestFetcher([this](const QString &registry, const QString &repository, const QString &reference) {
        return m_workspace->fetchManifest(registry, repository, reference);
    });
    m_replication = new ReplicationPage(this);
    m_registries = new RegistriesPage(this);
    m_clients = new ClientsPage(this);
    m_charts = new ChartsPage(this);
    m_copies = new CopyPage(this);
    m_batches = new BatchesPage(m_cleanup, m_copies, this);
    for (QWidget *page :
         std::initializer_list<QWidget *>{m_overview, m_images, m_replication, m_batches, m_registries, m_clients, m_charts})
        m_pages->addWidget(page);
    setUpWelcome();
    connect(m_charts, &ChartsPage::scanned, this, [this](const QString &message) {
        statusBar()->showMessage(message, 15000);
        reload(); // stage 3 on the Overview
    });
    connectNavigation();
    m_sidebar->setMaximumWidth(160);
    connect(m_sidebar, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    connect(m_overview, &OverviewPage::matrixRequested, this, [this](const QString &registry, const QStringList &states) {
        m_images->clearTextFilter(); // a link sets the filters it means, and no others
        m_images->showCells(registry, states);
        m_sidebar->setCurrentRow(1);
    });
    connect(m_overview, &OverviewPage::pageRequested, this, &MainWindow::showPage);
    connect(m_copies, &CopyPage::workFinished, m_overview, &OverviewPage::reloadHistory); // stage 1's work line
    connect(m_overview, &OverviewPage::chartsRequested, this, [this](const QString &repository, const QStringList &states) {
        m_charts->showStates(repository, states);
        m_sidebar->setCurrentRow(6);
    });
    connect(m_overview, &OverviewPage::stateActivated, this, [this](const QString &state) {
        m_images->clearTextFilter();
        m_images->showState(state);
        m_sidebar->setCurrentRow(1);
    });
    auto *split = new QSplitter(this);
    split->addWidget(m_sidebar);
    split->addWidget(m_pages);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    split->setSizes({160, 1120});
    setCentralWidget(split);

    QToolBar *tb = addToolBar(tr("Main"));
    tb->setObjectName(QStringLiteral("main-toolbar"));
    tb->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    QAction *open = tb->addAction(themedIcon(QStringLiteral("document-open")), tr("Open plan…"), this, &MainWindow::openPlan);
    open->setShortcut(QKeySequence::Open);
    m_scanAction = tb->addAction(themedIcon(QStringLiteral("view-refresh")), tr("Scan now"), this, &MainWindow::startScan);
    m_scanAction->setShortcut(QKeySequence::Refresh);
    m_stopAction = tb->addAction(themedIcon(QStringLiteral("process-stop")), tr("Stop"), this, [this] {
        if (m_scan)
            m_scan->cancel();
    });
    m_stopAction->setEnabled(false);
    m_exportAction = tb->addAction(themedIcon(QStringLiteral("document-export")), tr("Export report…"), this, [this] {
        if (!m_workspace->store())
            return;
        auto *dialog = new ExportDialog(m_workspace, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    });
    m_exportAction->setShortcut(QKeySequence(QStringLiteral("Ctrl+E")));
    addPageShortcuts();
    m_scanProgress->setMaximumWidth(180);
    m_scanProgress->setTextVisible(false);
    m_scanProgress->setVisible(false);
    statusBar()->addPermanentWidget(m_scanProgress);
    statusBar()->addPermanentWidget(m_scanLabel);
    connect(&m_matrixWatcher, &QFutureWatcher<MatrixSnapshot>::finished, this, &MainWindow::onMatrixRead);
    m_sidebar->setCurrentRow(0);

    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    // The plan is read once here; an edit of its file is read again (a broken edit keeps the
    // last good plan and says why).
    if (!planPath.isEmpty())
        m_workspace->loadPlan(planPath, &m_planError);
    connect(m_workspace, &Workspace::planChanged, this, [this] {
        statusBar()->showMessage(tr("The plan changed on disk and was read again"), 8000);
        if (m_workspace->store())
            m_cleanup->setWorkspace(m_workspace);
        reload();
    });
    // Another process's writes (ferryctl watch, the demo, a collector elsewhere), heard through the
    // file or LISTEN/NOTIFY; this window's own scans reload when they end.
    connect(m_workspace, &Workspace::storeChanged, this, &MainWindow::reload);
    connect(m_workspace, &Workspace::followLost, this,
            [this](const QString &why) { statusBar()->showMessage(tr("Not following the store: %1; trying again").arg(why), 10000); });
    connect(m_workspace, &Workspace::planFailed, this, [this](const QString &error) {
        statusBar()->showMessage(tr("The plan changed on disk but cannot be read (the last good one stays): %1").arg(error));
    });
    if (!dbPath.isEmpty()) {
        QString error;
        if (!openDatabase(dbPath, &error))
            statusBar()->showMessage(error);
    }
    m_scanAction->setEnabled(m_workspace->plan() != nullptr);
    if (planPath.isEmpty() && dbPath.isEmpty()) { // the first run: open, import or the demo
        const QSignalBlocker block(m_sidebar);
        m_sidebar->setCurrentRow(-1);
        m_pages->setCurrentWidget(m_welcome);
    }
}

void MainWindow::onMatrixRead()
{
    m_matrixLoading = false;
    const MatrixSnapshot snapshot = m_matrixWatcher.result();
    m_model->setCompactMatrix(std::move(*snapshot.matrix), m_columnOrder); // moved, not copied
    showLastScan();
    Q_EMIT matrixLoaded();
    m_replication->reload();
    m_overview->showProgress(snapshot.progress);
    m_registries->reload();
    m_clients->reload();
    m_charts->reload();
    if (std::exchange(m_reloadAgain, false))
        reload();
}

// The pages that lead to another: a row of Clients or Replication to its matrix row, a row of
// Images to the copy that brings it to the target.
void MainWindow::connectNavigation()
{
    // A refs scan from the Clients page: said in the status bar, and the Cleanup page reads what
    // its reviews and approvals are now checked against.
    connect(m_clients, &ClientsPage::refsRecorded, this, [this](const QString &message) {
        statusBar()->showMessage(message, 15000);
        m_cleanup->reload();
    });
    connect(m_clients, &ClientsPage::matrixRowRequested, this, [this](const QString &repository, const QString &tag) {
        m_sidebar->setCurrentRow(1);
        m_images->showRow(repository, tag);
    });
    connect(m_images, &ImagesPage::copyRequested, this, [this](const QString &repository, const QString &tag, const QString &state) {
        showPage(QStringLiteral("copies"));
        m_copies->planCopies(copyPlanFor(repository, tag, state));
    });
    connect(m_replication, &ReplicationPage::rowActivated, this, [this](const QString &repository, const QString &tag) {
        m_sidebar->setCurrentRow(1);
        m_images->showRow(repository, tag);
    });
}

void MainWindow::showPage(const QString &name)
{
    const QString n = name.toLower();
    if (n == u"cleanup" || n == u"copies" || n == u"batches") {
        if (n != u"batches")
            m_batches->showKind(n == u"copies" ? QStringLiteral("copy") : QStringLiteral("cleanup"));
        m_sidebar->setCurrentRow(kBatchesRow);
        return;
    }
    const int row = int(windowPageNames().indexOf(n));
    if (row >= 0)
        m_sidebar->setCurrentRow(row);
}

MainWindow::~MainWindow()
{
    m_matrixWatcher.waitForFinished();
    m_scan.reset(); // cancelled and its thread joined, before the network threads the scan uses
    m_cleanup->endWork(); // likewise a cleanup run, after the DELETE in flight
    m_copies->endWork(); // and a copy run, after its request in flight
    m_charts->endWork(); // a charts scan uses the network threads too
}

void MainWindow::updateTitle()
{
    QStringList parts{tr("Ferry")};
    if (!m_planName.isEmpty())
        parts << m_planName;
    if (!m_storeLabel.isEmpty())
        parts << m_storeLabel;
    setWindowTitle(parts.join(QStringLiteral(" — ")));
}

// A shared store is first reached from a worker: an unreachable server (connect_timeout, 10 s)
// must not freeze the window. Once it answers, the connection is opened here, quickly; reading
// a current schema takes no lock. Until then the matrix counts as loading.
bool MainWindow::openDatabase(const QString &dbPath, QString *error)
{
    if (!Store::isServerLocation(dbPath))
        return attachDatabase(dbPath, error);
    m_matrixLoading = true;
    m_storeLabel = Store::displayLocation(dbPath);
    updateTitle();
    statusBar()->showMessage(tr("Connecting to %1…").arg(m_storeLabel));
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, dbPath] {
        watcher->deleteLater();
        m_matrixLoading = false;
        QString why = watcher->result();
        if (why.isEmpty() && attachDatabase(dbPath, &why)) {
            statusBar()->clearMessage();
            return;
        }
        statusBar()->showMessage(why);
        Q_EMIT matrixLoaded(); // nothing to wait for
    });
    watcher->setFuture(QtConcurrent::run([dbPath] { return Store::probe(dbPath); }));
    return true;
}

bool MainWindow::attachDatabase(const QString &dbPath, QString *error)
{
    if (!m_workspace->openDatabase(dbPath, error))
        return false;
    m_images->setWorkspace(m_workspace);
    m_workspace->followStore(); // another process's writes reload the pages, at most every 2 s
    // A shared store is named in the title: the lead sees which team database this is.
    m_storeLabel = Store::isServerLocation(dbPath) ? Store::displayLocation(dbPath) : QString();
    updateTitle();
    m_cleanup->setWorkspace(m_workspace);
    m_copies->setWorkspace(m_workspace);
    // The matrix is read first; the pages' history when it is in (reload, onMatrixRead): at a
    // million tags their reads would otherwise hold the pool's threads while the matrix waits.
    m_replication->setWorkspace(m_workspace, false);
    m_overview->setWorkspace(m_workspace, false);
    m_registries->setWorkspace(m_workspace, false);
    m_clients->setWorkspace(m_workspace, false);
    m_charts->setWorkspace(m_workspace, false);
    reload();
    return true;
}

void MainWindow::reload()
{
    if (!m_workspace->store())
        return;
    if (!m_planError.isEmpty() && !m_workspace->plan())
        statusBar()->showMessage(tr("The plan cannot be read: %1").arg(m_planError));
    if (const std::shared_ptr<const Plan> plan = m_workspace->plan()) {
        QMap<QString, QString> hosts, urls;
        for (const PlanRegistry &r : plan->registries) {
            hosts.insert(r.name, r.config.baseUrl.authority());
            urls.insert(r.name, r.config.baseUrl.toString());
        }
        m_images->setRegistryHosts(hosts);
        m_registries->setRegistryUrls(urls);
    }
    m_columnOrder = registryColumnOrder(m_workspace->plan().get());
    if (m_matrixLoading) {
        m_reloadAgain = true; // a scan finished while the last read was running: read once more
    } else {
        m_matrixLoading = true;
        m_matrixWatcher.setFuture(m_workspace->matrixSnapshot());
    }
    m_cleanup->reload();
    m_copies->reload();
    showLastScan();
    if (m_matrixLoading && m_model->totalRows() == 0)
        m_scanLabel->setText(tr("Loading the matrix…"));
}

void MainWindow::showImages(const QString &state)
{
    m_images->clearTextFilter();
    m_images->showState(state);
    m_sidebar->setCurrentRow(1);
    auto selectFirst = [this] {
        if (m_model->rowCount() > 0)
            m_images->view()->setCurrentIndex(m_model->index(0, 0));
    };
    if (matrixLoading())
        connect(this, &MainWindow::matrixLoaded, this, selectFirst, Qt::SingleShotConnection);
    else
        selectFirst();
}

void MainWindow::showLastScan()
{
    if (!m_workspace->store()) {
        m_scanLabel->setText(tr("No scan yet"));
        return;
    }
    // Read off the GUI thread; the label follows the latest read.
    auto *watcher = new QFutureWatcher<std::optional<ScanRecord>>(this);
    connect(watcher, &QFutureWatcher<std::optional<ScanRecord>>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const std::optional<ScanRecord> last = watcher->result();
        if (watcher != m_lastScanRead)
            return; // a later read is on its way
        if (!last) {
            m_scanLabel->setText(m_matrixLoading && m_model->totalRows() == 0 ? tr("Loading the matrix…") : tr("No scan yet"));
            return;
        }
        m_scanLabel->setText(tr("Last scan %1: %2, %L3 requests, %L4 errors")
                                 .arg(last->startedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                                      last->complete          ? tr("complete")
                                          : last->interrupted ? tr("interrupted")
                                                              : tr("incomplete"))
                                 .arg(last->requests)
                                 .arg(last->errors));
    });
    m_lastScanRead = watcher;
    watcher->setFuture(m_workspace->read([](Store &store) { return HistoryTables(store).lastScan(); },
                                         [](const QString &) { return std::optional<ScanRecord>(); }));
}

// Ctrl+F: the matrix's filter. Ctrl+1 to Ctrl+7: the pages in the sidebar's order.
void MainWindow::addPageShortcuts()
{
    auto *find = new QAction(tr("Find"), this);
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, this, [this] {
        m_sidebar->setCurrentRow(1);
        m_images->focusFilter();
    });
    addAction(find);
    for (int i = 0; i < m_sidebar->count(); ++i) {
        auto *go = new QAction(this);
        go->setObjectName(QStringLiteral("page-shortcut-%1").arg(i + 1));
        go->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(i + 1)));
        connect(go, &QAction::triggered, this, [this, i] {
            if (m_sidebar->isEnabled() && i < m_sidebar->count())
                m_sidebar->setCurrentRow(i);
        });
        addAction(go);
        if (QListWidgetItem *item = m_sidebar->item(i))
            item->setToolTip(tr("%1 (Ctrl+%2)").arg(item->text()).arg(i + 1));
    }
}

void MainWindow::setUpWelcome()
{
    m_sidebar->addItems({tr("Overview"), tr("Images"), tr("Replication"), tr("Batches"), tr("Registries"), tr("Clients"), tr("Charts")});
    for (int i = 0; i < m_sidebar->count(); ++i) // each page's icon has its name
        m_sidebar->item(i)->setIcon(QIcon(QStringLiteral(":/ferry/icons/%1.svg").arg(windowPageNames().value(i))));
    m_welcome = new WelcomePage(this);
    m_pages->addWidget(m_welcome);
    connect(m_welcome, &WelcomePage::openPlanRequested, this, &MainWindow::openPlan);
    connect(m_welcome, &WelcomePage::planReady, this, [this](const QString &path, bool remember) {
        QString error;
        if (!openPlanFile(path, &error, remember))
            QMessageBox::warning(this, tr("The plan cannot be read"), error);
    });
    // The demo's step stays until the next one: filling the registries alone takes a minute.
    connect(m_welcome, &WelcomePage::demoSaid, this, [this](const QString &line) { statusBar()->showMessage(tr("Demo: %1").arg(line)); });
}

void MainWindow::openPlan()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a migration plan"), QString(), tr("Plans (*.yaml *.yml)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!openPlanFile(path, &error))
        QMessageBox::warning(this, tr("The plan cannot be read"), error);
}

bool MainWindow::openPlanFile(const QString &path, QString *error, bool remember)
{
    if (!m_workspace->loadPlan(path, error))
        return false;
    m_planError.clear();
    const QFileInfo fi(path);
    QString dbError;
    if (!openDatabase(Workspace::defaultDatabase(path), &dbError))
        statusBar()->showMessage(dbError);
    m_planName = fi.fileName();
    updateTitle();
    m_scanAction->setEnabled(true);
    if (remember)
        QSettings().setValue(QStringLiteral("plan/last"), fi.absoluteFilePath());
    if (m_pages->currentWidget() == m_welcome)
        m_sidebar->setCurrentRow(0); // the Overview
    return true;
}

QWidget *MainWindow::currentPage() const
{
    return m_pages->currentWidget();
}

void MainWindow::startScan()
{
    if (m_scan)
        return;
    ScanOptions options;
    options.liveRowsIntervalMs = 300; // the matrix fills in while the scan runs, a few batches a second
    QString error;
    m_scan.reset(m_workspace->startScan(options, &error));
    if (!m_scan) {
        statusBar()->showMessage(m_planError.isEmpty() ? error : tr("The plan cannot be read: %1").arg(m_planError));
        return;
    }
    connect(m_scan.get(), &ScanJob::progress, this, &MainWindow::onProgress);
    connect(m_scan.get(), &ScanJob::rowsReady, m_model, &SyncMatrixModel::upsertRows);
    connect(m_scan.get(), &ScanJob::finished, this, &MainWindow::onFinished);
    m_scanAction->setEnabled(false);
    m_stopAction->setEnabled(true);
    m_scanLabel->setText(tr("Scanning…"));
    m_scanProgress->setRange(0, 0);
    m_scanProgress->setVisible(true);
}

void MainWindow::onProgress(const ScanProgress &p)
{
    m_scanLabel->setText(tr("Scanning: %1/%2 listings, %L3 requests, %4 req/s, %5 errors")
                             .arg(p.listingsDone)
                             .arg(p.listingsTotal)
                             .arg(p.requests)
                             .arg(qRound(p.requestsPerSecond))
                             .arg(p.errors));
    m_scanProgress->setRange(0, qMax(1, p.listingsTotal));
    m_scanProgress->setValue(p.listingsDone);
}

void MainWindow::onFinished(const ScanSummary &s)
{
    m_scan.release()->deleteLater(); // finished() is still on its way out of the job
    m_scanAction->setEnabled(true);
    m_stopAction->setEnabled(false);
    m_scanProgress->setVisible(false);
    reload();
    if (!s.errors.isEmpty())
        statusBar()->showMessage(
            tr("%1 registries or repositories could not be read; their cells say why (state: unknown)").arg(s.errors.size()), 15000);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings().setValue(QStringLiteral("window/geometry"), saveGeometry());
    if (m_scan)
        m_scan->cancel();
    event->accept();
}

} // namespace ferry
