from dealroom.cli import main

raise SystemExit(main())
