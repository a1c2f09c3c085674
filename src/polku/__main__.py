from polku.cli import main

raise SystemExit(main())
